// The o32 syscall table: handlers by number minus 4000, merged from the per-area modules.
// Numbers without a handler answer ENOSYS (see kernel.ts).

import { type Handler, type HandlerTable, NO_RESULT } from './common.js';
import { FSOPS_SYSCALLS } from './fsops.js';
import { IO_SYSCALLS } from './io.js';
import { MEM_SYSCALLS } from './mem.js';
import { POLL_SYSCALLS } from './poll.js';
import { PROC_SYSCALLS } from './proc.js';
import { SIG_SYSCALLS } from './sig.js';
import { STAT_SYSCALLS } from './stat.js';
import { SYS_SYSCALLS } from './sys.js';
import { TIME_SYSCALLS } from './time.js';

export { NO_RESULT };

const TABLES: HandlerTable[] = [
  IO_SYSCALLS,
  STAT_SYSCALLS,
  FSOPS_SYSCALLS,
  MEM_SYSCALLS,
  PROC_SYSCALLS,
  SIG_SYSCALLS,
  SYS_SYSCALLS,
  TIME_SYSCALLS,
  POLL_SYSCALLS,
];

/** Index = syscall number - 4000. */
export const SYSCALLS: (Handler | undefined)[] = new Array(500).fill(undefined);
for (const t of TABLES) {
  for (const [nr, h] of Object.entries(t)) SYSCALLS[Number(nr) - 4000] = h;
}
