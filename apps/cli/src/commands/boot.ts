// `disco boot --bare ...`: boot the guest kernel (guest/images/kernel-bare.elf) on the bare
// emulated machine with an ext2 root disk, the console on the terminal or driven by a
// script. See docs/guest.md ("Booting") for the script directives and exit statuses.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { MACHINE } from '../../../../libs/machine/src/board/memory-map.js';
import {
  buildRootImage, DEFAULT_PROMPT, defaultKernelPath, GuestSession, type GuestEnd,
} from './boot-session.js';
import { runMonitorBoot } from './boot-monitor.js';

const USAGE = `usage: disco boot --bare [options]
       disco boot --monitor [options]   (under the Disco monitor: disco boot --monitor --help)

Boots the guest kernel on the bare emulated machine with IMG as disk 0 (its root file
system). Without --script the console is this terminal (raw mode; Ctrl-C goes to the
guest; type Ctrl-] then q to quit). With --script the script's lines are typed into the
console, each once the shell prompt is back, and the console output goes to stdout.

  --bare             boot on the bare machine (or --monitor: see disco boot --monitor --help)
  --cpus N           CPUs, 1..${MACHINE.MAX_CPUS} (default 2)
  --nodes N          NUMA nodes, must divide the CPU count (default 1)
  --mem MB           RAM in MiB, a multiple of the node count (default 64)
  --root IMG         root disk image, used in place (default: a temporary image built
                     from guest/images/rootfs plus the --add directories)
  --add DIR          with the default image: merge DIR into its root (repeatable)
  --kernel ELF       kernel image (default guest/images/kernel-bare.elf)
  --cmdline STR      kernel command line: init=PATH, strace, strace=err
  --script FILE|-    type FILE's lines (or stdin's) into the console
  --prompt REGEX     what a prompt looks like (default ${DEFAULT_PROMPT.source})
  --timeout S        give up after S host seconds (default 120 with --script, none without)
  --timed            timed memory model (caches, NUMA latencies)

Script lines starting with "#@" are directives, run without waiting for a prompt:
  #@sleep MS         let MS milliseconds of emulated time pass
  #@ctrl-c           type Ctrl-C (SIGINT to the foreground process group)
  #@expect REGEX     wait until the output since the last typed line matches REGEX

Exit status: the guest's power-off code (0 for a normal poweroff), 3 after a kernel
panic, 124 on timeout, 2 for bad arguments or missing files, 130 when quit with Ctrl-] q.
`;

class UsageError extends Error {}

interface Options {
  cpus: number;
  nodes: number;
  memMiB: number;
  root?: string;
  adds: string[];
  kernel: string;
  cmdline: string;
  script?: string;
  prompt: RegExp;
  timeoutS?: number;
  timed: boolean;
}

function parseIntArg(name: string, v: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${name} takes a whole number from ${min} to ${max}, not "${v}"`);
  }
  return Number(v);
}

function parseArgs(args: string[]): Options {
  let bare = false;
  const o: Options = { cpus: 2, nodes: 1, memMiB: 64, adds: [], kernel: defaultKernelPath(), cmdline: '', prompt: DEFAULT_PROMPT, timed: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--bare': bare = true; break;
      case '--cpus': o.cpus = parseIntArg(arg, value(), 1, MACHINE.MAX_CPUS); break;
      case '--nodes': o.nodes = parseIntArg(arg, value(), 1, MACHINE.MAX_NODES); break;
      case '--mem': o.memMiB = parseIntArg(arg, value(), 1, 496); break;
      case '--root': o.root = value(); break;
      case '--add': o.adds.push(value()); break;
      case '--kernel': o.kernel = value(); break;
      case '--cmdline': o.cmdline = value(); break;
      case '--script': o.script = value(); break;
      case '--timed': o.timed = true; break;
      case '--prompt': {
        const v = value();
        try {
          o.prompt = new RegExp(v);
        } catch {
          throw new UsageError(`--prompt: bad regular expression "${v}"`);
        }
        break;
      }
      case '--timeout': {
        const v = value();
        if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || Number(v) <= 0) throw new UsageError(`--timeout takes a positive number of seconds, not "${v}"`);
        o.timeoutS = Number(v);
        break;
      }
      default:
        throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument "${arg}"`);
    }
  }
  if (!bare) throw new UsageError('say --bare (the bare machine) or --monitor (under the Disco monitor)');
  if (o.cpus % o.nodes !== 0) throw new UsageError(`--nodes ${o.nodes} does not divide --cpus ${o.cpus}`);
  if (o.memMiB % o.nodes !== 0) throw new UsageError(`--mem ${o.memMiB} is not a multiple of --nodes ${o.nodes}`);
  if (o.root !== undefined && o.adds.length > 0) throw new UsageError('--add only applies to the default image, not with --root');
  if (o.cmdline.length > 255) throw new UsageError('--cmdline is at most 255 characters');
  return o;
}

function checkFile(path: string, what: string): void {
  if (!existsSync(path)) throw new UsageError(`${what} ${path}: no such file`);
  if (!statSync(path).isFile()) throw new UsageError(`${what} ${path}: not a regular file`);
}

function exitStatus(end: GuestEnd): number {
  switch (end.kind) {
    case 'poweroff': return end.code === 0 ? 0 : (end.code & 0xff) || 1;
    case 'panic': return 3;
    case 'timeout': return 124;
  }
}

function report(end: GuestEnd, timeoutS: number | undefined): void {
  if (end.kind === 'panic') process.stderr.write(`\ndisco boot: kernel panic: ${end.message}\n`);
  if (end.kind === 'timeout') process.stderr.write(`\ndisco boot: timed out after ${timeoutS} s\n`);
}

/** Type a script into the console. */
function runScript(s: GuestSession, lines: string[], o: Options, deadline: number): GuestEnd {
  const hostLeft = (): number => Math.max(0, deadline - Date.now());
  let end = s.waitForPrompt(o.prompt, { hostMs: hostLeft() });
  if (end) return end;
  for (const line of lines) {
    if (line.startsWith('#@')) {
      const [cmd, ...rest] = line.slice(2).split(' ');
      const arg = rest.join(' ');
      if (cmd === 'sleep') end = s.runFor(Number(arg) || 0);
      else if (cmd === 'ctrl-c') s.type('\x03');
      else if (cmd === 'expect') end = s.waitFor(new RegExp(arg), { hostMs: hostLeft() });
      else process.stderr.write(`disco boot: unknown script directive "${line}" (ignored)\n`);
      if (end) return end;
      continue;
    }
    end = s.waitForPrompt(o.prompt, { hostMs: hostLeft() });
    if (end) return end;
    s.type(line + '\n');
  }
  return s.runUntil(() => false, { hostMs: hostLeft() }) ?? { kind: 'timeout' };
}

/** The console on this terminal, emulated time paced to the wall clock. */
async function runInteractive(s: GuestSession, o: Options): Promise<GuestEnd | 'quit'> {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  let escape = false;
  let quit = false;
  const onData = (chunk: Buffer): void => {
    for (const b of chunk) {
      if (escape) {
        escape = false;
        if (b === 0x71 || b === 0x51) { quit = true; return; }
        if (b !== 0x1d) s.type(String.fromCharCode(0x1d));
      } else if (b === 0x1d) {
        escape = true;
        continue;
      }
      s.type(String.fromCharCode(b));
    }
  };
  stdin.on('data', onData);
  stdin.resume();
  const started = Date.now();
  const deadline = o.timeoutS !== undefined ? started + o.timeoutS * 1000 : Infinity;
  try {
    for (;;) {
      if (quit) return 'quit';
      if (Date.now() > deadline) return { kind: 'timeout' };
      const sliceEnd = Date.now() + 20;
      const end = s.runUntil(() => Date.now() >= sliceEnd || s.seconds * 1000 > Date.now() - started);
      if (end) return end;
      // Let input arrive; when the guest is ahead of the wall clock, wait for it.
      const ahead = s.seconds * 1000 - (Date.now() - started);
      await new Promise((r) => setTimeout(r, ahead > 1 ? Math.min(ahead, 20) : 0));
    }
  } finally {
    stdin.off('data', onData);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
  }
}

export const bootCommand = {
  summary: 'boot the guest kernel on the bare machine or in VMs under the monitor (console or script)',
  async run(args: string[]): Promise<number> {
    if (args.includes('--monitor')) return runMonitorBoot(args);
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(USAGE);
      return 0;
    }
    let o: Options;
    let lines: string[] | undefined;
    try {
      o = parseArgs(args);
      checkFile(o.kernel, 'kernel');
      if (o.root !== undefined) checkFile(o.root, 'root image');
      for (const a of o.adds) if (!existsSync(a) || !statSync(a).isDirectory()) throw new UsageError(`--add ${a}: not a directory`);
      if (o.script !== undefined) {
        if (o.script !== '-') checkFile(o.script, 'script');
        const text = readFileSync(o.script === '-' ? 0 : o.script, 'utf8');
        lines = text.split('\n');
        if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      }
    } catch (e) {
      if (e instanceof UsageError) {
        process.stderr.write(`disco boot: ${e.message}\n\n${USAGE}`);
        return 2;
      }
      throw e;
    }
    let image: { path: string; cleanup: () => void } | undefined;
    const pending: number[] = [];
    const flush = (): void => {
      if (pending.length > 0) {
        process.stdout.write(Buffer.from(pending));
        pending.length = 0;
      }
    };
    let session: GuestSession | undefined;
    try {
      const disk = o.root ?? (image = buildRootImage({ adds: o.adds })).path;
      session = new GuestSession({
        kernel: o.kernel, disk, cpus: o.cpus, nodes: o.nodes, memoryMiB: o.memMiB, cmdline: o.cmdline, timed: o.timed,
        onOutput: (b) => pending.push(b), onSlice: flush,
      });
      session.boot();
      let end: GuestEnd | 'quit';
      if (lines !== undefined) {
        const timeoutS = o.timeoutS ?? 120;
        end = runScript(session, lines, o, Date.now() + timeoutS * 1000);
        flush();
        report(end, timeoutS);
        return exitStatus(end);
      }
      end = await runInteractive(session, o);
      flush();
      if (end === 'quit') {
        process.stderr.write('\ndisco boot: quit (Ctrl-] q)\n');
        return 130;
      }
      report(end, o.timeoutS);
      return exitStatus(end);
    } catch (e) {
      flush();
      process.stderr.write(`disco boot: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    } finally {
      session?.close();
      image?.cleanup();
    }
  },
};
