/* param.h: every compile-time limit of the kernel, one per line with what it bounds. */
#ifndef PARAM_H
#define PARAM_H

#define NCPU        32        /* CPUs the kernel can drive (MACHINE_MAX_CPUS) */
#define NNODE       32        /* NUMA nodes */
#define NPROC       128       /* process table slots */
#define NOFILE      64        /* open files per process (RLIMIT_NOFILE) */
#define NFILE       512       /* open files system-wide */
#define NINODE      512       /* in-memory inodes */
#define NBUF        1024      /* buffer-cache blocks */
#define NPCACHE     4096      /* pages in the read-only file page cache */
#define KSTACK_SIZE 8192      /* kernel stack per process, bytes */
#define KSTACK_MAGIC 0x57ac4b1d /* first word of every kernel stack */
#define BOOTSTACK_SIZE 8192   /* per-CPU boot/scheduler stack, bytes */
#define HZ          100       /* timer ticks per second */
#define MAXPATH     4096      /* PATH_MAX */
#define MAXNAME     255       /* NAME_MAX */
#define MAXSYMLINKS 40        /* symlinks followed in one lookup (ELOOP after) */
#define ARG_MAX     (128 * 1024) /* bytes of argv + envp strings at execve */
#define MAXARGV     4096      /* argv + envp entries at execve */
#define PIPESIZE    4096      /* pipe buffer bytes (also PIPE_BUF) */
#define TTYBUF      4096      /* tty input buffer bytes */
#define MAXPROCNAME 16        /* prctl(PR_SET_NAME) / comm length */
#define USER_STACK_SIZE (8 * 1024 * 1024) /* RLIMIT_STACK */
/* NSIG (signal numbers 1..NSIG-1) is ABI, not a limit: ../include/uapi/signal.h */

#endif
