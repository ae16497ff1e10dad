/* vm.h: the user address-space layout. */
#ifndef VM_H
#define VM_H

#define STACK_TOP    0x7fff0000u     /* initial user sp is below this */
#define SIGPAGE_VA   0x7fff8000u     /* sigreturn trampolines, read + execute */
#define MMAP_TOP     0x77000000u     /* top-down mmap search starts here */
#define USER_MIN     0x00010000u     /* lowest mappable address */

#define PT_ENTRIES   1024            /* both levels: 1024 entries of 4 bytes */
#define PDX(va)      ((va) >> 22)
#define PTX(va)      (((va) >> 12) & 0x3ff)

#endif
