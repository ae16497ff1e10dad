// `disco boot --monitor ...`: boot the guest kernel's monitor port (guest/images/kernel-disco.elf)
// in N VMs under the Disco monitor on one emulated machine, all booting from one shared base
// root image through copy-on-write disks (the global disk cache shares the pages they read), or
// each with a private copy (--private-disks). Console output is labelled "[vmK] " per line when there is more than one VM.
// Scripts (--script, repeatable: the k-th goes to VM k, a single one to every VM) are typed
// line by line, each once that VM's prompt is back, all VMs at once.

import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MACHINE } from '../../../../libs/machine/src/board/memory-map.js';
import { COST_TABLE_NAME, describeCosts, makeCostTable } from '../../../../libs/disco/src/costs.js';
import { buildRootImage, DEFAULT_PROMPT, type GuestEnd } from './boot-session.js';
import { defaultMonitorKernelPath, MonitorSession, type VmConsole, type VmSpec } from './monitor-session.js';
import type { MachineMetrics } from '../../../../libs/disco/src/monitor.js';

const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);

/** The memory-sharing counters and footprints of a run, one line each. */
export function sharingSummary(mt: MachineMetrics): string {
  const t = mt.total.sharing;
  const f = mt.footprint;
  const split = (s: typeof f.machine): string =>
    `kernel text ${mib(s.kernelText)}, kernel data ${mib(s.kernelData)}, buffer cache ${mib(s.bufferCache)}, user ${mib(s.user)}, monitor ${mib(s.monitor)}`;
  return `disco boot: sharing: ${f.sharedMachinePages} shared machine pages mapped by ${f.sharedGuestPages} guest pages; ` +
    `disk cache ${mt.diskCache.pages} pages (${mt.diskCache.unmappedPages} unmapped), hits ${t.diskCacheHits}, misses ${t.diskCacheMisses}, overlay pages ${t.overlayPages}; ` +
    `copy-on-write copies ${t.cowCopies}, reuses ${t.cowReused}; remapped ${t.remapped}\n` +
    `disco boot: footprint: virtual ${mib(f.virtual.total)} MiB (${split(f.virtual)}); machine ${mib(f.machine.total)} MiB (${split(f.machine)})\n`;
}

export const MONITOR_USAGE = `usage: disco boot --monitor [options]

Boots the guest kernel's monitor port in VMs under the Disco monitor. Every VM boots from one
shared base root image (the default image, or --root IMG, never written) through a
copy-on-write disk: its writes stay private and are dropped at power-off (kept in an overlay
file with --persistent DIR). A single VM with --root IMG uses the image in place instead.
Without --script the console of VM 0 is this terminal (Ctrl-] then q quits).

  --monitor          run under the Disco monitor (required for these options)
  --vms N            virtual machines, 1..16 (default 1)
  --vcpus K          vCPUs per VM, 1..8 (default 1)
  --mem MB           guest memory per VM in MiB (default 64)
  --cpus N           physical CPUs of the machine (default 2)
  --nodes N          NUMA nodes (default 1)
  --machine-mem MB   machine RAM (default: what the VMs need)
  --root IMG         root disk image (the shared base; in place for a single VM)
  --private-disks    give each VM a private copy of the root image instead (no sharing)
  --persistent DIR   persistent COW disks: VM k's changes in DIR/vmK.cow (kept across runs)
  --add DIR          with the default image: merge DIR into its root (repeatable)
  --kernel ELF       kernel image (default guest/images/kernel-disco.elf)
  --cmdline STR      kernel command line
  --script FILE|-    type FILE's lines into the console; repeat to give VM k its own script
  --prompt REGEX     what a prompt looks like (default ${DEFAULT_PROMPT.source})
  --timeout S        give up after S host seconds (default 120 with --script)
  --timed            timed memory model
  --no-l2tlb         disable the monitor's second-level software TLB
  --metrics          print the monitor's metrics (JSON) and the memory sharing on stderr at the end
  --console-dir DIR  also write each VM's console to DIR/vmK.log

Exit status: 0 when every VM powered off with 0, else the first VM's non-zero code (3 for
a kernel panic or a VM the monitor stopped), 124 on timeout, 2 for bad arguments.
`;

class UsageError extends Error {}

interface Options {
  vms: number;
  vcpus: number;
  memMiB: number;
  cpus: number;
  nodes: number;
  machineMiB?: number;
  root?: string;
  privateDisks: boolean;
  persistentDir?: string;
  adds: string[];
  kernel: string;
  cmdline: string;
  scripts: string[];
  prompt: RegExp;
  timeoutS?: number;
  timed: boolean;
  l2tlb: boolean;
  metrics: boolean;
  consoleDir?: string;
}

function int(name: string, v: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${name} takes a whole number from ${min} to ${max}, not "${v}"`);
  return Number(v);
}

function parse(args: string[]): Options {
  const o: Options = {
    vms: 1, vcpus: 1, memMiB: 64, cpus: 2, nodes: 1, adds: [], privateDisks: false, kernel: defaultMonitorKernelPath(), cmdline: '',
    scripts: [], prompt: DEFAULT_PROMPT, timed: false, l2tlb: true, metrics: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--monitor': break;
      case '--vms': o.vms = int(arg, value(), 1, 16); break;
      case '--vcpus': o.vcpus = int(arg, value(), 1, 8); break;
      case '--mem': o.memMiB = int(arg, value(), 4, 496); break;
      case '--cpus': o.cpus = int(arg, value(), 1, MACHINE.MAX_CPUS); break;
      case '--nodes': o.nodes = int(arg, value(), 1, MACHINE.MAX_NODES); break;
      case '--machine-mem': o.machineMiB = int(arg, value(), 16, 496); break;
      case '--root': o.root = value(); break;
      case '--private-disks': o.privateDisks = true; break;
      case '--persistent': o.persistentDir = value(); break;
      case '--add': o.adds.push(value()); break;
      case '--kernel': o.kernel = value(); break;
      case '--cmdline': o.cmdline = value(); break;
      case '--script': o.scripts.push(value()); break;
      case '--timed': o.timed = true; break;
      case '--no-l2tlb': o.l2tlb = false; break;
      case '--metrics': o.metrics = true; break;
      case '--console-dir': o.consoleDir = value(); break;
      case '--prompt': {
        const v = value();
        try { o.prompt = new RegExp(v); } catch { throw new UsageError(`--prompt: bad regular expression "${v}"`); }
        break;
      }
      case '--timeout': {
        const v = value();
        if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || Number(v) <= 0) throw new UsageError(`--timeout takes a positive number of seconds, not "${v}"`);
        o.timeoutS = Number(v);
        break;
      }
      case '--bare': throw new UsageError('--bare and --monitor exclude each other');
      default:
        throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument "${arg}"`);
    }
  }
  if (o.cpus % o.nodes !== 0) throw new UsageError(`--nodes ${o.nodes} does not divide --cpus ${o.cpus}`);
  if (o.scripts.length > 1 && o.scripts.length !== o.vms) throw new UsageError(`give one --script, or one per VM (${o.vms})`);
  if (o.scripts.filter((s) => s === '-').length > 1) throw new UsageError('only one --script may be -');
  if (o.root !== undefined && o.adds.length > 0) throw new UsageError('--add only applies to the default image, not with --root');
  if (o.privateDisks && o.persistentDir !== undefined) throw new UsageError('--private-disks and --persistent exclude each other');
  const need = o.vms * o.memMiB + 16;
  if ((o.machineMiB ?? need) > 496) throw new UsageError(`${o.vms} VMs of ${o.memMiB} MiB do not fit in the machine's 496 MiB`);
  return o;
}

function checkFile(path: string, what: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`${what} ${path}: no such file`);
}

function status(end: GuestEnd): number {
  switch (end.kind) {
    case 'poweroff': return end.code === 0 ? 0 : (end.code & 0xff) || 1;
    case 'panic': return 3;
    case 'timeout': return 124;
  }
}

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** Drive every VM's script at once; returns each VM's end. */
function runScripts(consoles: VmConsole[], scripts: string[][], o: Options, deadline: number): GuestEnd[] {
  const session = consoles[0]!.session;
  const state = consoles.map(() => ({ line: 0, mark: 0, waitingPrompt: true, expect: null as RegExp | null, sleepUntil: 0, done: false }));
  const ends: (GuestEnd | null)[] = consoles.map(() => null);
  const step = (k: number): void => {
    const c = consoles[k]!;
    const st = state[k]!;
    const lines = scripts[k]!;
    for (;;) {
      if (ends[k] !== null) return;
      const since = stripAnsi(c.output.slice(st.mark));
      if (st.expect !== null) {
        if (!st.expect.test(since)) return;
        st.expect = null;
      }
      if (session.monitor.now < st.sleepUntil) return;
      if (st.line >= lines.length) { st.done = true; return; }
      const line = lines[st.line]!;
      if (line.startsWith('#@')) {
        const [cmd, ...rest] = line.slice(2).split(' ');
        const arg = rest.join(' ');
        st.line++;
        if (cmd === 'sleep') st.sleepUntil = session.monitor.now + ((Number(arg) || 0) * MACHINE.CPU_CLOCK_HZ) / 1000;
        else if (cmd === 'ctrl-c') c.type('\x03');
        else if (cmd === 'expect') st.expect = new RegExp(arg);
        continue;
      }
      if (!o.prompt.test(since)) return;
      st.line++;
      st.mark = c.output.length;
      c.type(line + '\n');
      return;
    }
  };
  const r = session.runUntil(() => {
    consoles.forEach((c, k) => {
      if (ends[k] === null) ends[k] = c.end();
      step(k);
    });
    return ends.every((e) => e !== null) || Date.now() > deadline;
  });
  return consoles.map((c, k) => ends[k] ?? c.end() ?? (r ?? { kind: 'timeout' as const }));
}

export async function runMonitorBoot(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(MONITOR_USAGE);
    return 0;
  }
  let o: Options;
  let scripts: string[][] = [];
  try {
    o = parse(args);
    checkFile(o.kernel, 'kernel');
    if (o.root !== undefined) checkFile(o.root, 'root image');
    for (const a of o.adds) if (!existsSync(a) || !statSync(a).isDirectory()) throw new UsageError(`--add ${a}: not a directory`);
    for (const s of o.scripts) if (s !== '-') checkFile(s, 'script');
    scripts = o.scripts.map((s) => {
      const lines = readFileSync(s === '-' ? 0 : s, 'utf8').split('\n');
      if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      return lines;
    });
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`disco boot: ${e.message}\n\n${MONITOR_USAGE}`);
      return 2;
    }
    throw e;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'disco-monitor-'));
  const cleanups: (() => void)[] = [() => rmSync(tmp, { recursive: true, force: true })];
  const label = o.vms > 1;
  const pending: number[][] = Array.from({ length: o.vms }, () => []);
  const atLineStart = new Array(o.vms).fill(true);
  let lastK = -1;
  if (o.consoleDir !== undefined) {
    mkdirSync(o.consoleDir, { recursive: true });
    for (let k = 0; k < o.vms; k++) writeFileSync(join(o.consoleDir, `vm${k}.log`), '');
  }
  const flush = (): void => {
    for (let k = 0; k < o.vms; k++) {
      const p = pending[k]!;
      if (p.length === 0) continue;
      if (o.consoleDir !== undefined) appendFileSync(join(o.consoleDir, `vm${k}.log`), Buffer.from(p));
      if (!label) {
        process.stdout.write(Buffer.from(p));
      } else {
        let s = '';
        if (lastK !== k && lastK >= 0 && !atLineStart[lastK]) {
          s += '\n';
          atLineStart[lastK] = true;
        }
        lastK = k;
        for (const b of p) {
          if (atLineStart[k]) s += `[vm${k}] `;
          s += String.fromCharCode(b);
          atLineStart[k] = b === 10;
        }
        process.stdout.write(Buffer.from(s, 'latin1'));
      }
      p.length = 0;
    }
  };
  let session: MonitorSession | undefined;
  try {
    const disks: VmSpec[] = [];
    if (o.persistentDir !== undefined) mkdirSync(o.persistentDir, { recursive: true });
    if (o.privateDisks) {
      for (let k = 0; k < o.vms; k++) {
        if (o.root !== undefined && o.vms === 1) disks.push({ disk: o.root });
        else if (o.root !== undefined) {
          const d = join(tmp, `vm${k}.img`);
          copyFileSync(o.root, d);
          disks.push({ disk: d });
        } else {
          const img = buildRootImage({ adds: o.adds });
          cleanups.push(img.cleanup);
          disks.push({ disk: img.path });
        }
      }
    } else if (o.root !== undefined && o.vms === 1 && o.persistentDir === undefined) {
      disks.push({ disk: o.root });
    } else {
      // One base image for every VM, never written: COW disks over it.
      let base = o.root;
      if (base === undefined) {
        const img = buildRootImage({ adds: o.adds });
        cleanups.push(img.cleanup);
        base = img.path;
      }
      for (let k = 0; k < o.vms; k++) {
        disks.push(o.persistentDir !== undefined
          ? { disk: base, diskKind: 'cow-persistent', overlay: join(o.persistentDir, `vm${k}.cow`) }
          : { disk: base, diskKind: 'cow' });
      }
    }
    const costs = makeCostTable();
    if (o.metrics) process.stderr.write(`disco boot: monitor cost table ${describeCosts(costs)}\n`);
    session = new MonitorSession({
      kernel: o.kernel, cpus: o.cpus, nodes: o.nodes, machineMiB: o.machineMiB, timed: o.timed, l2tlb: o.l2tlb,
      vms: disks.map((disk, k) => ({ ...disk, name: `vm${k}`, vcpus: o.vcpus, memoryMiB: o.memMiB, cmdline: o.cmdline })),
      onOutput: (k, b) => pending[k]!.push(b),
      onSlice: flush,
    });
    session.boot();
    let ends: GuestEnd[];
    if (scripts.length > 0) {
      const timeoutS = o.timeoutS ?? 120;
      const per = scripts.length === 1 ? session.consoles.map(() => scripts[0]!) : scripts;
      ends = runScripts(session.consoles, per, o, Date.now() + timeoutS * 1000);
      flush();
      ends.forEach((e, k) => {
        if (e.kind === 'panic') process.stderr.write(`\ndisco boot: vm${k}: kernel panic: ${e.message}\n`);
        if (e.kind === 'timeout') process.stderr.write(`\ndisco boot: vm${k}: timed out after ${timeoutS} s\n`);
      });
    } else {
      ends = [await interactive(session.consoles[0]!, o)];
      flush();
      if (ends[0]!.kind === 'timeout' && (ends[0] as { quit?: boolean }).quit) return 130;
    }
    if (o.metrics) {
      const mt = session.monitor.metrics(COST_TABLE_NAME);
      process.stderr.write(sharingSummary(mt));
      process.stderr.write(JSON.stringify(mt, null, 1) + '\n');
    }
    const bad = ends.find((e) => status(e) !== 0);
    return bad === undefined ? 0 : status(bad);
  } catch (e) {
    flush();
    process.stderr.write(`disco boot: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    session?.close();
    for (const c of cleanups.reverse()) c();
  }
}

/** VM 0's console on this terminal, paced to the wall clock. */
async function interactive(c: VmConsole, o: Options): Promise<GuestEnd> {
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
        if (b !== 0x1d) c.type(String.fromCharCode(0x1d));
      } else if (b === 0x1d) { escape = true; continue; }
      c.type(String.fromCharCode(b));
    }
  };
  stdin.on('data', onData);
  stdin.resume();
  const started = Date.now();
  const deadline = o.timeoutS !== undefined ? started + o.timeoutS * 1000 : Infinity;
  try {
    for (;;) {
      if (quit) {
        process.stderr.write('\ndisco boot: quit (Ctrl-] q)\n');
        return { kind: 'timeout', quit: true } as GuestEnd;
      }
      if (Date.now() > deadline) return { kind: 'timeout' };
      const sliceEnd = Date.now() + 20;
      const end = c.runUntil(() => Date.now() >= sliceEnd || c.seconds * 1000 > Date.now() - started);
      if (end) return end;
      const ahead = c.seconds * 1000 - (Date.now() - started);
      await new Promise((r) => setTimeout(r, ahead > 1 ? Math.min(ahead, 20) : 0));
    }
  } finally {
    stdin.off('data', onData);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
  }
}
