/* expand.c: shell variables and word expansion: quote removal, $NAME ${NAME} and the
 * special parameters, field splitting of unquoted expansions, ~, and * ? [..] globbing. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

/* ---- shell state ---- */

static struct var *var_find(const char *name)
{
  struct var *v;

  for (v = vars; v; v = v->next)
    if (strcmp(v->name, name) == 0)
      return v;
  return 0;
}

const char *var_get(const char *name)
{
  struct var *v = var_find(name);

  return v ? v->value : 0;
}

void var_set(const char *name, const char *value, int export)
{
  struct var *v = var_find(name);

  if (!v) {
    v = calloc(1, sizeof *v);
    v->name = strdup(name);
    v->next = vars;
    vars = v;
  }
  if (value) {
    free(v->value);
    v->value = strdup(value);
  }
  if (export)
    v->exported = 1;
}

void var_unset(const char *name)
{
  struct var **pp, *v;

  for (pp = &vars; (v = *pp); pp = &v->next)
    if (strcmp(v->name, name) == 0) {
      *pp = v->next;
      free(v->name);
      free(v->value);
      free(v);
      return;
    }
}

/* The environment for exec: every exported variable with a value. */
char **build_env(void)
{
  struct var *v;
  int n = 0;
  char **env;

  for (v = vars; v; v = v->next)
    n++;
  env = alloc((n + 1) * sizeof *env);
  n = 0;
  for (v = vars; v; v = v->next)
    if (v->exported && v->value) {
      env[n] = alloc(strlen(v->name) + strlen(v->value) + 2);
      sprintf(env[n++], "%s=%s", v->name, v->value);
    }
  env[n] = 0;
  return env;
}

int is_name(const char *s, size_t n)
{
  size_t i;

  if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
    return 0;
  for (i = 1; i < n; i++)
    if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
      return 0;
  return 1;
}

/* ---- expansion ---- */

void fields_add(struct fields *f, char *s)
{
  if (f->n + 1 >= f->cap) {
    int cap = f->cap ? f->cap * 2 : 16;
    char **v = alloc(cap * sizeof *v);
    if (f->n)
      memcpy(v, f->v, f->n * sizeof *v);
    f->v = v;
    f->cap = cap;
  }
  f->v[f->n++] = s;
  f->v[f->n] = 0;
}

/* Class [...] at p against c: returns the class length, with *hit set, or 0 if not a class. */
static int glob_class(const char *p, int c, int *hit)
{
  const char *q = p + 1;
  int neg = 0;

  *hit = 0;
  if (*q == '!' || *q == '^') {
    neg = 1;
    q++;
  }
  do {
    if (!*q)
      return 0;
    if (q[1] == '-' && q[2] && q[2] != ']') {
      if (c >= q[0] && c <= q[2])
        *hit = 1;
      q += 3;
    } else {
      if (c == *q)
        *hit = 1;
      q++;
    }
  } while (*q != ']');
  *hit ^= neg;
  return (int)(q - p + 1);
}

/* Shell pattern match: * ? [..] and \ escapes. */
static int glob_match(const char *p, const char *s)
{
  for (; *p; p++, s++) {
    int n, hit;
    if (*p == '*') {
      for (; *s; s++)
        if (glob_match(p + 1, s))
          return 1;
      return glob_match(p + 1, s);
    }
    if (!*s)
      return 0;
    if (*p == '?')
      continue;
    if (*p == '[' && (n = glob_class(p, (unsigned char)*s, &hit)) > 0) {
      if (!hit)
        return 0;
      p += n - 1;
      continue;
    }
    if (*p == '\\' && p[1])
      p++;
    if (*p != *s)
      return 0;
  }
  return !*s;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expands a pattern (quoted specials escaped with \) into sorted matches; returns the
 * number added. Only the last path component may contain wildcards. */
static int glob_expand(const char *pat, struct fields *out)
{
  const char *slash = strrchr(pat, '/'), *base = slash ? slash + 1 : pat;
  struct str dir = { 0 };
  const char *q;
  DIR *d;
  struct dirent *e;
  int first = out->n;

  for (q = pat; q < base; q++) {
    if (*q == '*' || *q == '?' || *q == '[')
      return 0;
    if (*q == '\\' && q[1])
      q++;
    str_addc(&dir, *q);
  }
  if (!(d = opendir(dir.len ? dir.s : ".")))
    return 0;
  while ((e = readdir(d))) {
    struct str path = { 0 };
    if (e->d_name[0] == '.' && base[0] != '.')
      continue;
    if (!glob_match(base, e->d_name))
      continue;
    if (dir.len)
      str_addn(&path, dir.s, dir.len);
    str_addn(&path, e->d_name, strlen(e->d_name));
    fields_add(out, path.s);
  }
  closedir(d);
  qsort(out->v + first, out->n - first, sizeof(char *), cmp_str);
  return out->n - first;
}

/* The value of $name / ${name} / special parameters; *len is the name's length in src. */
static const char *param(const char *src, size_t *len)
{
  static char num[24];
  const char *s = src;
  size_t n;

  if (*s == '{') {
    const char *end = strchr(s, '}');
    const char *v;
    if (!end) {
      *len = 0;
      return 0;
    }
    v = param(s + 1, &n);
    *len = end - s + 1;
    return v;
  }
  *len = 1;
  switch (*s) {
  case '?': sprintf(num, "%d", last_status); return num;
  case '$': sprintf(num, "%d", shell_pid); return num;
  case '!': if (last_bg < 0) return ""; sprintf(num, "%d", last_bg); return num;
  case '#': sprintf(num, "%d", nposargs); return num;
  case '0': return arg0;
  case '@':
  case '*': {
    struct str b = { 0 };
    int i;
    for (i = 0; i < nposargs; i++) {
      if (i)
        str_addc(&b, ' ');
      str_addn(&b, posargs[i], strlen(posargs[i]));
    }
    return b.s ? b.s : "";
  }
  }
  if (isdigit((unsigned char)*s))
    return *s - '1' < nposargs ? posargs[*s - '1'] : "";
  for (n = 0; isalnum((unsigned char)s[n]) || s[n] == '_'; n++)
    ;
  *len = n;
  if (n == 0)
    return 0;
  {
    char *name = astrndup(s, n);
    const char *v = var_get(name);
    return v ? v : "";
  }
}

/* Expands one raw word into fields: quotes removed, parameters substituted (unquoted ones
 * split at blanks), then globbing when an unquoted wildcard was seen. */
void expand_word(const char *w, struct fields *out)
{
  struct str cur = { 0 }, pat = { 0 };
  int have = 0, wild = 0, dq = 0;
  const char *p = w;

  if (p[0] == '~' && (p[1] == '/' || p[1] == 0)) {
    const char *home = var_get("HOME");
    str_addn(&cur, home ? home : "/", strlen(home ? home : "/"));
    str_addn(&pat, cur.s, cur.len);
    have = 1;
    p++;
  }
  while (*p) {
    char c = *p++;
    if (c == '\'' && !dq) {
      have = 1;
      for (; *p && *p != '\''; p++) {
        str_addc(&cur, *p);
        if (strchr("*?[\\", *p))
          str_addc(&pat, '\\');
        str_addc(&pat, *p);
      }
      if (*p)
        p++;
    } else if (c == '"') {
      dq = !dq;
      have = 1;
    } else if (c == '\\' && *p == '\n') {
      p++;                                /* line continuation */
    } else if (c == '\\' && *p && (!dq || strchr("$`\"\\", *p))) {
      str_addc(&cur, *p);
      str_addc(&pat, '\\');
      str_addc(&pat, *p++);
      have = 1;
    } else if (c == '$' && *p && (isalnum((unsigned char)*p) || strchr("?$!#@*_{", *p))) {
      size_t len;
      const char *v = param(p, &len);
      p += len;
      if (!v)
        continue;
      for (; *v; v++) {
        if (!dq && (*v == ' ' || *v == '\t' || *v == '\n')) {
          if (have || cur.len) {           /* unquoted expansion: field break */
            fields_add(out, cur.len ? cur.s : astrndup("", 0));
            cur.len = pat.len = 0;
            cur.s = pat.s = 0;
            cur.cap = pat.cap = 0;
            have = wild = 0;
          }
          continue;
        }
        str_addc(&cur, *v);
        if (dq && strchr("*?[\\", *v))
          str_addc(&pat, '\\');
        str_addc(&pat, *v);
        if (!dq && strchr("*?[", *v))
          wild = 1;
        have = 1;
      }
    } else {
      if (!dq && strchr("*?[", c))
        wild = 1;
      if (dq && strchr("*?[", c))
        str_addc(&pat, '\\');
      str_addc(&cur, c);
      str_addc(&pat, c);
      have = 1;
    }
  }
  if (!have && !cur.len)
    return;
  if (wild && glob_expand(pat.s, out) > 0)
    return;
  fields_add(out, cur.s ? cur.s : astrndup("", 0));
}

/* Expands a word that must stay one field (redirection targets, assignments). */
char *expand_one(const char *w)
{
  struct fields f = { 0 };
  struct str b = { 0 };
  int i;

  expand_word(w, &f);
  for (i = 0; i < f.n; i++) {
    if (i)
      str_addc(&b, ' ');
    str_addn(&b, f.v[i], strlen(f.v[i]));
  }
  return b.s ? b.s : astrndup("", 0);
}

