/* env.c: getenv/setenv/unsetenv over `environ`. The first change copies the array to the
 * heap; strings set here are malloc'ed and never freed (programs set a handful). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int env_owned;

/* Returns the index of NAME in environ, or -1. */
static int env_find(const char *name, size_t len)
{
  int i;

  for (i = 0; environ && environ[i]; i++)
    if (strncmp(environ[i], name, len) == 0 && environ[i][len] == '=')
      return i;
  return -1;
}

char *getenv(const char *name)
{
  size_t len = strlen(name);
  int i = env_find(name, len);

  return i < 0 ? 0 : environ[i] + len + 1;
}

/* Makes environ a heap array with room for one more entry; returns its length or -1. */
static int env_own(int extra)
{
  int n = 0;
  char **copy;

  while (environ && environ[n])
    n++;
  if (env_owned && !extra)
    return n;
  copy = malloc((n + 1 + extra) * sizeof(char *));
  if (!copy)
    return -1;
  if (n)
    memcpy(copy, environ, n * sizeof(char *));
  copy[n] = 0;
  if (env_owned)
    free(environ);
  environ = copy;
  env_owned = 1;
  return n;
}

int setenv(const char *name, const char *value, int overwrite)
{
  size_t len = strlen(name);
  int i = env_find(name, len);
  char *s;

  if (len == 0 || strchr(name, '='))
    return -1;
  if (i >= 0 && !overwrite)
    return 0;
  s = malloc(len + strlen(value) + 2);
  if (!s)
    return -1;
  strcpy(s, name);
  s[len] = '=';
  strcpy(s + len + 1, value);
  if (i >= 0) {
    environ[i] = s;
    return 0;
  }
  i = env_own(1);
  if (i < 0)
    return -1;
  environ[i] = s;
  environ[i + 1] = 0;
  return 0;
}

int unsetenv(const char *name)
{
  size_t len = strlen(name);
  int i = env_find(name, len);

  if (i < 0)
    return 0;
  if (env_own(0) < 0)
    return -1;
  for (; environ[i]; i++)
    environ[i] = environ[i + 1];
  return 0;
}
