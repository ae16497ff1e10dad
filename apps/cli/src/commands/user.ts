// `disco user [--stats] [--timed] ELF [ARGS...]`: run a static Linux/MIPS o32 program like
// qemu-mipsel. The guest's stdout/stderr/exit status become the command's; --stats prints
// instructions, cycles, seconds and MIPS to stderr afterwards.

import { runUser } from '../../../../libs/machine/src/linux-user/runner.js';

const USAGE = `usage: disco user [--stats] [--timed] [--strace] ELF [ARGS...]
  --stats    print instructions, cycles, seconds and mips to stderr after the run
  --timed    timed memory model (cache and memory latencies charged to cycles)
  --strace   trace every syscall to stderr (also DISCO_STRACE=1)
`;

export const userCommand = {
  summary: 'run a static Linux/MIPS o32 program (like qemu-mipsel)',
  async run(args: string[]): Promise<number> {
    let stats = false;
    let timed = false;
    let strace = process.env.DISCO_STRACE === '1';
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i];
      if (a === '--stats') stats = true;
      else if (a === '--timed') timed = true;
      else if (a === '--strace') strace = true;
      else if (a === '--help' || a === '-h') {
        process.stdout.write(USAGE);
        return 0;
      } else if (a === '--') {
        i++;
        break;
      } else if (a.startsWith('--')) {
        process.stderr.write(`disco user: unknown option ${a}\n${USAGE}`);
        return 2;
      } else break;
    }
    const elf = args[i];
    if (elf === undefined) {
      process.stderr.write(USAGE);
      return 2;
    }
    try {
      const r = runUser({ elf, args: args.slice(i + 1), timed, strace });
      if (stats) {
        const mips = r.seconds > 0 ? r.instructions / r.seconds / 1e6 : 0;
        process.stderr.write(`instructions: ${r.instructions}\ncycles: ${r.cycles}\nseconds: ${r.seconds.toFixed(3)}\nmips: ${mips.toFixed(2)}\n`);
      }
      return r.status;
    } catch (e) {
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      process.stderr.write(`disco: internal error in the user-mode runner (a bug in disco, not in the guest): ${msg.split('\n')[0]}\n`);
      if (process.env.DISCO_DEBUG === '1') process.stderr.write(`${msg}\n`);
      return 1;
    }
  },
};
