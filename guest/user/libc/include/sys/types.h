/* sys/types.h: the basic integer types of our libc (o32: 32-bit long and pointers). */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H
#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;
typedef long off_t;          /* files stay below 2 GiB; _llseek carries 64 bits underneath */
typedef int pid_t;
typedef unsigned int mode_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int dev_t;
typedef unsigned long long ino_t;
typedef unsigned int nlink_t;
typedef long time_t;
typedef long clock_t;
typedef int clockid_t;
typedef long suseconds_t;
#endif
