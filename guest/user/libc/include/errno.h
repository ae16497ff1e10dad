/* errno.h: errno and the Linux MIPS errno values (several differ from x86); the values are
 * generated from linux-abi.ts into uapi/errno.h. */
#ifndef _ERRNO_H
#define _ERRNO_H
#include <uapi/errno.h>
extern int errno;

#define EWOULDBLOCK EAGAIN
#endif
