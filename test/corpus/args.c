/* Corpus: process start: argc/argv (the test passes fixed arguments), the auxiliary vector
 * entries a static binary relies on (checked, not printed raw: values differ per loader),
 * stack alignment at main, and the exit status (the value of argc-based arithmetic). */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <elf.h>

extern char **environ;
extern const char __ehdr_start[];

int main(int argc, char **argv, char **envp) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=\"%s\" (len %u)\n", i, argv[i], (unsigned)strlen(argv[i]));
  printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
  printf("envp follows argv: %s\n", envp == argv + argc + 1 ? "yes" : "no");
  printf("environ == envp: %s\n", environ == envp ? "yes" : "no");
  int envc = 0;
  while (envp[envc]) envc++;
  printf("env NULL-terminated: yes\n");
  /* auxv: the words just after envp's NULL */
  uintptr_t *auxv = (uintptr_t *)(envp + envc + 1);
  int n = 0, have_random = 0, have_phdr = 0;
  while (auxv[2 * n] != AT_NULL && n < 64) {
    if (auxv[2 * n] == AT_RANDOM) have_random = 1;
    if (auxv[2 * n] == AT_PHDR) have_phdr = 1;
    n++;
  }
  printf("auxv terminated: %s, has AT_RANDOM: %s, has AT_PHDR: %s\n", n < 64 ? "yes" : "no", have_random ? "yes" : "no",
         have_phdr ? "yes" : "no");
  const Elf32_Ehdr *eh = (const Elf32_Ehdr *)__ehdr_start;
  printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
  printf("AT_PHENT=%lu AT_PHNUM matches e_phnum: %s\n", getauxval(AT_PHENT), getauxval(AT_PHNUM) == eh->e_phnum ? "yes" : "no");
  printf("AT_PHDR matches __ehdr_start+e_phoff: %s\n",
         getauxval(AT_PHDR) == (unsigned long)(__ehdr_start + eh->e_phoff) ? "yes" : "no");
  printf("AT_ENTRY matches e_entry: %s\n", getauxval(AT_ENTRY) == eh->e_entry ? "yes" : "no");
  printf("AT_BASE=%lu AT_SECURE=%lu AT_RANDOM non-null: %s\n", getauxval(AT_BASE), getauxval(AT_SECURE),
         getauxval(AT_RANDOM) ? "yes" : "no");
  printf("AT_UID==AT_EUID: %s\n", getauxval(AT_UID) == getauxval(AT_EUID) ? "yes" : "no");
  volatile int probe;
  printf("stack below argv: %s, argv strings above argv array: %s\n", (uintptr_t)&probe < (uintptr_t)argv ? "yes" : "no",
         (uintptr_t)argv[0] > (uintptr_t)argv ? "yes" : "no");
  int total = 0;
  for (int i = 1; i < argc; i++) total += (int)strlen(argv[i]);
  printf("total arg length=%d\n", total);
  return (argc * 10 + total) & 0xff;
}
