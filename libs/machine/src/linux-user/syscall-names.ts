// o32 syscall names by number minus 4000, from asm/unistd_o32.h (Linux 6.1): used only by the
// syscall trace (DISCO_STRACE=1) and the "unknown syscall" diagnostics.

const TABLE = [
  '0 syscall 1 exit 2 fork 3 read 4 write 5 open 6 close 7 waitpid 8 creat 9 link 10 unlink 11 execve',
  '12 chdir 13 time 14 mknod 15 chmod 16 lchown 17 break 18 unused18 19 lseek 20 getpid 21 mount',
  '22 umount 23 setuid 24 getuid 25 stime 26 ptrace 27 alarm 28 unused28 29 pause 30 utime 31 stty',
  '32 gtty 33 access 34 nice 35 ftime 36 sync 37 kill 38 rename 39 mkdir 40 rmdir 41 dup 42 pipe',
  '43 times 44 prof 45 brk 46 setgid 47 getgid 48 signal 49 geteuid 50 getegid 51 acct 52 umount2',
  '53 lock 54 ioctl 55 fcntl 56 mpx 57 setpgid 58 ulimit 59 unused59 60 umask 61 chroot 62 ustat',
  '63 dup2 64 getppid 65 getpgrp 66 setsid 67 sigaction 68 sgetmask 69 ssetmask 70 setreuid 71 setregid',
  '72 sigsuspend 73 sigpending 74 sethostname 75 setrlimit 76 getrlimit 77 getrusage 78 gettimeofday',
  '79 settimeofday 80 getgroups 81 setgroups 82 reserved82 83 symlink 84 unused84 85 readlink 86 uselib',
  '87 swapon 88 reboot 89 readdir 90 mmap 91 munmap 92 truncate 93 ftruncate 94 fchmod 95 fchown',
  '96 getpriority 97 setpriority 98 profil 99 statfs 100 fstatfs 101 ioperm 102 socketcall 103 syslog',
  '104 setitimer 105 getitimer 106 stat 107 lstat 108 fstat 109 unused109 110 iopl 111 vhangup 112 idle',
  '113 vm86 114 wait4 115 swapoff 116 sysinfo 117 ipc 118 fsync 119 sigreturn 120 clone',
  '121 setdomainname 122 uname 123 modify_ldt 124 adjtimex 125 mprotect 126 sigprocmask',
  '127 create_module 128 init_module 129 delete_module 130 get_kernel_syms 131 quotactl 132 getpgid',
  '133 fchdir 134 bdflush 135 sysfs 136 personality 137 afs_syscall 138 setfsuid 139 setfsgid',
  '140 _llseek 141 getdents 142 _newselect 143 flock 144 msync 145 readv 146 writev 147 cacheflush',
  '148 cachectl 149 sysmips 150 unused150 151 getsid 152 fdatasync 153 _sysctl 154 mlock 155 munlock',
  '156 mlockall 157 munlockall 158 sched_setparam 159 sched_getparam 160 sched_setscheduler',
  '161 sched_getscheduler 162 sched_yield 163 sched_get_priority_max 164 sched_get_priority_min',
  '165 sched_rr_get_interval 166 nanosleep 167 mremap 168 accept 169 bind 170 connect 171 getpeername',
  '172 getsockname 173 getsockopt 174 listen 175 recv 176 recvfrom 177 recvmsg 178 send 179 sendmsg',
  '180 sendto 181 setsockopt 182 shutdown 183 socket 184 socketpair 185 setresuid 186 getresuid',
  '187 query_module 188 poll 189 nfsservctl 190 setresgid 191 getresgid 192 prctl 193 rt_sigreturn',
  '194 rt_sigaction 195 rt_sigprocmask 196 rt_sigpending 197 rt_sigtimedwait 198 rt_sigqueueinfo',
  '199 rt_sigsuspend 200 pread64 201 pwrite64 202 chown 203 getcwd 204 capget 205 capset',
  '206 sigaltstack 207 sendfile 208 getpmsg 209 putpmsg 210 mmap2 211 truncate64 212 ftruncate64',
  '213 stat64 214 lstat64 215 fstat64 216 pivot_root 217 mincore 218 madvise 219 getdents64 220 fcntl64',
  '221 reserved221 222 gettid 223 readahead 224 setxattr 225 lsetxattr 226 fsetxattr 227 getxattr',
  '228 lgetxattr 229 fgetxattr 230 listxattr 231 llistxattr 232 flistxattr 233 removexattr',
  '234 lremovexattr 235 fremovexattr 236 tkill 237 sendfile64 238 futex 239 sched_setaffinity',
  '240 sched_getaffinity 241 io_setup 242 io_destroy 243 io_getevents 244 io_submit 245 io_cancel',
  '246 exit_group 247 lookup_dcookie 248 epoll_create 249 epoll_ctl 250 epoll_wait 251 remap_file_pages',
  '252 set_tid_address 253 restart_syscall 254 fadvise64 255 statfs64 256 fstatfs64 257 timer_create',
  '258 timer_settime 259 timer_gettime 260 timer_getoverrun 261 timer_delete 262 clock_settime',
  '263 clock_gettime 264 clock_getres 265 clock_nanosleep 266 tgkill 267 utimes 268 mbind',
  '269 get_mempolicy 270 set_mempolicy 271 mq_open 272 mq_unlink 273 mq_timedsend 274 mq_timedreceive',
  '275 mq_notify 276 mq_getsetattr 277 vserver 278 waitid 280 add_key 281 request_key 282 keyctl',
  '283 set_thread_area 284 inotify_init 285 inotify_add_watch 286 inotify_rm_watch 287 migrate_pages',
  '288 openat 289 mkdirat 290 mknodat 291 fchownat 292 futimesat 293 fstatat64 294 unlinkat',
  '295 renameat 296 linkat 297 symlinkat 298 readlinkat 299 fchmodat 300 faccessat 301 pselect6',
  '302 ppoll 303 unshare 304 splice 305 sync_file_range 306 tee 307 vmsplice 308 move_pages',
  '309 set_robust_list 310 get_robust_list 311 kexec_load 312 getcpu 313 epoll_pwait 314 ioprio_set',
  '315 ioprio_get 316 utimensat 317 signalfd 318 timerfd 319 eventfd 320 fallocate 321 timerfd_create',
  '322 timerfd_gettime 323 timerfd_settime 324 signalfd4 325 eventfd2 326 epoll_create1 327 dup3',
  '328 pipe2 329 inotify_init1 330 preadv 331 pwritev 332 rt_tgsigqueueinfo 333 perf_event_open',
  '334 accept4 335 recvmmsg 336 fanotify_init 337 fanotify_mark 338 prlimit64 339 name_to_handle_at',
  '340 open_by_handle_at 341 clock_adjtime 342 syncfs 343 sendmmsg 344 setns 345 process_vm_readv',
  '346 process_vm_writev 347 kcmp 348 finit_module 349 sched_setattr 350 sched_getattr 351 renameat2',
  '352 seccomp 353 getrandom 354 memfd_create 355 bpf 356 execveat 357 userfaultfd 358 membarrier',
  '359 mlock2 360 copy_file_range 361 preadv2 362 pwritev2 363 pkey_mprotect 364 pkey_alloc',
  '365 pkey_free 366 statx 367 rseq 368 io_pgetevents 393 semget 394 semctl 395 shmget 396 shmctl',
  '397 shmat 398 shmdt 399 msgget 400 msgsnd 401 msgrcv 402 msgctl 403 clock_gettime64',
  '404 clock_settime64 405 clock_adjtime64 406 clock_getres_time64 407 clock_nanosleep_time64',
  '408 timer_gettime64 409 timer_settime64 410 timerfd_gettime64 411 timerfd_settime64',
  '412 utimensat_time64 413 pselect6_time64 414 ppoll_time64 416 io_pgetevents_time64',
  '417 recvmmsg_time64 418 mq_timedsend_time64 419 mq_timedreceive_time64 420 semtimedop_time64',
  '421 rt_sigtimedwait_time64 422 futex_time64 423 sched_rr_get_interval_time64 424 pidfd_send_signal',
  '425 io_uring_setup 426 io_uring_enter 427 io_uring_register 428 open_tree 429 move_mount 430 fsopen',
  '431 fsconfig 432 fsmount 433 fspick 434 pidfd_open 435 clone3 436 close_range 437 openat2',
  '438 pidfd_getfd 439 faccessat2 440 process_madvise 441 epoll_pwait2 442 mount_setattr',
  '443 quotactl_fd 444 landlock_create_ruleset 445 landlock_add_rule 446 landlock_restrict_self',
  '448 process_mrelease 449 futex_waitv 450 set_mempolicy_home_node',
].join(' ');

const NAMES = new Map<number, string>();
{
  const parts = TABLE.split(' ');
  for (let i = 0; i + 1 < parts.length; i += 2) NAMES.set(4000 + Number(parts[i]), parts[i + 1]);
}

export function syscallName(nr: number): string {
  return NAMES.get(nr) ?? `syscall_${nr}`;
}
