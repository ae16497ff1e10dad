// Machine tests with bare-metal programs: builds test/baremetal/*.c with the cross compiler
// (scripts/build-baremetal.mjs), boots each on a Machine, feeds host input (UART bytes, network
// frames, disk images, boot command lines, a fixed RTC clock) and checks the console output, the
// run results and host-side state (disk bytes, transmitted frames, idle cycles, cache statistics,
// hot-page notifications). Fails when the compiler is missing, unless DISCO_SKIP_DIFFERENTIAL=1.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine, type MachineOptions, type RunResult } from '../../libs/machine/src/board/machine.js';
import { MemoryBlockBackend } from '../../libs/machine/src/devices/block/index.js';
import { DEFAULT_MAC } from '../../libs/machine/src/devices/net/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const buildScript = join(root, 'scripts/build-baremetal.mjs');
const elfDir = join(root, 'build/baremetal');

/** Fixed RTC time: 2023-11-14T22:13:20.1235Z (the .5 ms is exact in binary). */
const CLOCK_MS = 1_700_000_000_123.5;
/** Where the host puts the boot command line (link.ld keeps 0x400..0xFFFF free). */
const CMDLINE_PA = 0x400;
/** The programs' result mailbox (bm.h BM_MAILBOX_PA). */
const MAILBOX_PA = 0xf000;
const BM_EXIT_EXCEPTION = 0xe0;

const cc = process.env.MIPS_CC ?? 'mipsel-linux-gnu-gcc';
const compilerMissing = spawnSync(cc, ['--version']).status !== 0;
const skip = compilerMissing && process.env.DISCO_SKIP_DIFFERENTIAL === '1';
if (skip) console.warn('machine.spec.ts: no mipsel cross compiler and DISCO_SKIP_DIFFERENTIAL=1: skipping');
const suite = skip ? describe.skip : describe;

/** A Machine with its console captured and a program loaded and booted. */
class Board {
  readonly machine: Machine;
  private readonly out: number[] = [];

  constructor(opts: MachineOptions = {}) {
    this.machine = new Machine({ clock: () => CLOCK_MS, ...opts, consoleOutput: (b) => this.out.push(b) });
  }

  /** Load build/baremetal/<name>.elf and boot it, with `cmdline` placed in RAM as the a2 argument. */
  boot(name: string, cmdline?: string): this {
    const loaded = this.machine.loadElf(readFileSync(join(elfDir, `${name}.elf`)));
    if ('error' in loaded) throw new Error(`${name}: ${loaded.error}`);
    let arg = 0;
    if (cmdline !== undefined) {
      const bytes = Buffer.from(`${cmdline}\0`, 'latin1');
      this.machine.memory.u8.set(bytes, CMDLINE_PA);
      arg = (0x80000000 | CMDLINE_PA) >>> 0;
    }
    this.machine.boot(loaded.entry, arg);
    return this;
  }

  run(maxCycles = 50_000_000): RunResult {
    return this.machine.run(maxCycles);
  }

  /** Run to poweroff; returns the exit code. */
  runToExit(maxCycles = 50_000_000): number {
    const r = this.run(maxCycles);
    if (r !== 'poweroff') throw new Error(`run() gave '${r}', not 'poweroff'; console:\n${this.text}`);
    return (this.machine.power as { code: number }).code;
  }

  /** Console output as bytes / as latin1 text. */
  get bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }

  get text(): string {
    return Buffer.from(this.out).toString('latin1');
  }

  mailbox(i: number): number {
    return this.machine.memory.i32[(MAILBOX_PA >>> 2) + i] >>> 0;
  }
}

/** Every check the program made passed and it said so. */
function expectAllPassed(b: Board): void {
  const fails = b.text.split('\n').filter((l) => l.startsWith('FAIL'));
  expect(fails).toEqual([]);
  expect(b.text).toMatch(/^RESULT PASS$/m);
}

suite('bare-metal programs on the machine', () => {
  beforeAll(() => {
    if (compilerMissing) {
      throw new Error(
        `${cc} not found: apt-get install gcc-mipsel-linux-gnu (or set MIPS_CC), ` +
          'or set DISCO_SKIP_DIFFERENTIAL=1 to skip the bare-metal machine tests',
      );
    }
    const r = spawnSync(process.execPath, [buildScript], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build-baremetal.mjs failed (status ${r.status}):\n${r.stdout}${r.stderr}`);
  }, 120_000);

  it('hello: prints and powers off with 0', () => {
    const b = new Board().boot('hello');
    expect(b.runToExit()).toBe(0);
    expect(b.text).toBe('hello from cpu 0\n');
  });

  describe('UART', () => {
    it('transmits bytes verbatim and receives host input by interrupt', () => {
      const b = new Board().boot('uart');
      expect(b.run(5_000_000)).toBe('idle'); // waiting for input, nothing else can happen
      const head = Buffer.from('uart: tx <\x00\x7f\x80\xff>\n', 'latin1');
      expect(Buffer.from(b.bytes.subarray(0, head.length))).toEqual(head);
      expect(b.text).toContain('uart: ready\n');
      const cpu0 = b.machine.cpus[0];
      expect(cpu0.waiting).toBe(true); // idles in WAIT, does not poll
      const instret = cpu0.instret;
      expect(b.run(5_000_000)).toBe('idle');
      expect(cpu0.instret).toBe(instret);

      expect(b.machine.devices.uart.input('hello, disco\n')).toBe(13);
      expect(b.runToExit()).toBe(0);
      expect(b.text).toContain('uart: got [hello, disco] 12 bytes\n');
      expectAllPassed(b);
      expect(b.machine.devices.uart.pendingInput).toBe(0);
    });
  });

  describe('block device', () => {
    /** A 64-sector disk whose last sector holds byte i = i*3 + 1 (block.c checks it). */
    const preparedDisk = (): MemoryBlockBackend => {
      const disk = new MemoryBlockBackend(64);
      const last = disk.data.subarray(63 * 512, 64 * 512);
      for (let i = 0; i < 512; i++) last[i] = (i * 3 + 1) & 0xff;
      return disk;
    };

    it('DMA writes and reads sectors; refused commands give error codes', () => {
      const disk = preparedDisk();
      const b = new Board({ disks: [disk] }).boot('block');
      expect(b.runToExit()).toBe(0);
      expectAllPassed(b);
      expect(b.text).toContain('block: capacity 64 sectors');
      // The guest's pattern reached the image: sector s, byte i = s*31 + i*7 + 5.
      for (let s = 0; s < 64; s++) {
        const sector = disk.data.subarray(s * 512, (s + 1) * 512);
        if (s >= 4 && s < 12) {
          const want = Uint8Array.from({ length: 512 }, (_, i) => (s * 31 + i * 7 + 5) & 0xff);
          expect(Buffer.from(sector).equals(Buffer.from(want))).toBe(true);
        } else if (s !== 63) {
          expect(sector.every((x) => x === 0)).toBe(true);
        }
      }
      const stats = b.machine.devices.blocks[0].stats;
      expect(stats.writes).toBe(1);
      expect(stats.sectorsWritten).toBe(8);
      expect(stats.reads).toBe(2);
      expect(stats.flushes).toBe(1);
      expect(stats.errors).toBe(6);
    });

    it('in timed mode, DMA into RAM invalidates cached copies', () => {
      const b = new Board({ timed: true, disks: [preparedDisk()] }).boot('block');
      expect(b.runToExit()).toBe(0);
      expectAllPassed(b);
      // The program had the 4 KiB read buffer (32 lines) in its cache, from memset, when the
      // 8-sector READ landed there; then 4 of those lines again for the 1-sector READ.
      expect(b.machine.cache!.externalInvalidations).toBe(32 + 4);
    });
  });

  describe('network device', () => {
    it('transmits to the host and receives a host frame by DMA and interrupt', () => {
      const frames: Uint8Array[] = [];
      const b = new Board({ net: { onTransmit: (f) => frames.push(f) } }).boot('net');
      expect(b.run(5_000_000)).toBe('idle'); // armed, waiting for a frame
      expect(b.text).toContain('net: armed\n');
      expect(b.text).toContain('net: mac 02:d1:5c:00:00:01');
      expect(frames).toHaveLength(1);
      const tx = Buffer.from(frames[0]);
      expect(tx.length).toBe(60);
      expect(tx.subarray(0, 6)).toEqual(Buffer.alloc(6, 0xff));
      expect([...tx.subarray(6, 12)]).toEqual([...DEFAULT_MAC]);
      expect(tx.readUInt16BE(12)).toBe(0x88b5);
      expect(tx.subarray(14, 26).toString('latin1')).toBe('disco-net-tx');

      const host = [0x02, 0, 0, 0, 0, 0x99];
      const frame = Buffer.concat([Buffer.from(DEFAULT_MAC), Buffer.from(host), Buffer.from([0x88, 0xb5]), Buffer.from('ping from host')]);
      expect(b.machine.devices.net.receive(frame)).toBe(true);
      expect(b.runToExit()).toBe(0);
      expectAllPassed(b);
      expect(b.text).toContain(`net: received ${frame.length} bytes`);
      expect(b.text).toContain('net: payload [ping from host]');
      expect(frames).toHaveLength(2);
      const reply = Buffer.from(frames[1]);
      expect([...reply.subarray(0, 6)]).toEqual(host);
      expect([...reply.subarray(6, 12)]).toEqual([...DEFAULT_MAC]);
      expect(reply.subarray(14, 33).toString('latin1')).toBe('pong:ping from host');
      expect(b.machine.devices.net.stats).toMatchObject({ txFrames: 2, rxFrames: 1, errors: 2 });
    });
  });

  describe('timers', () => {
    it('periodic channel, one-shot channel, CP0 Count/Compare, RTC from the injected clock', () => {
      const b = new Board().boot('timer');
      expect(b.runToExit()).toBe(0);
      expectAllPassed(b);
      expect(b.text).toContain('timer: rtc seconds=1700000000 ns=123500000\n');
      expect(b.text).toMatch(/timer: 10 periodic ticks in \d+ cycles/);
      expect(b.text).toMatch(/timer: 3 cp0 timer interrupts in \d+ count ticks/);
      expect(b.machine.cpus[0].idleCycles).toBeGreaterThan(400_000); // waited for the ticks
    });
  });

  describe('power', () => {
    it('reports the poweroff code, negative codes and a reset; a reboot starts clean', () => {
      const b = new Board({ cpus: 2, nodes: 1, memoryBytes: 32 << 20 });
      b.boot('power', 'reset');
      expect(b.run()).toBe('reset');
      expect(b.machine.power).toEqual({ kind: 'reset', code: 7 });
      expect(b.text).toContain('power: resetting');
      expect(b.machine.started[1]).toBe(1);

      b.boot('power', 'off'); // the host reboots: CPU 1 is held again
      expect(b.runToExit()).toBe(42);
      expect(b.machine.started[1]).toBe(0);
      expect(b.text.split('power: cmd [off]')[1]).not.toContain('FAIL');
      expect(b.text).toMatch(/RESULT PASS\n$/);

      const n = new Board().boot('power', 'neg');
      expect(n.runToExit()).toBe(-5);
    });
  });

  describe('board info', () => {
    const parse = (text: string): Record<string, number> =>
      Object.fromEntries([...text.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));

    it('reports the default board', () => {
      const b = new Board().boot('boardinfo');
      expect(b.runToExit()).toBe(0);
      expectAllPassed(b);
      const line = b.text.split('\n').find((l) => l.startsWith('board:'))!;
      expect(parse(line)).toEqual({
        cpus: 8, nodes: 4, cpus_per_node: 2, ram: 256 << 20, node_bytes: 64 << 20, hz: 200_000_000, disks: 0, devices: 10,
      });
    });

    it('reports a configured board', () => {
      const b = new Board({ cpus: 6, nodes: 3, memoryBytes: 96 << 20, disks: [new MemoryBlockBackend(8), new MemoryBlockBackend(8)] });
      b.boot('boardinfo');
      expect(b.runToExit()).toBe(0);
      expectAllPassed(b);
      const line = b.text.split('\n').find((l) => l.startsWith('board:'))!;
      expect(parse(line)).toEqual({
        cpus: 6, nodes: 3, cpus_per_node: 2, ram: 96 << 20, node_bytes: 32 << 20, hz: 200_000_000, disks: 2, devices: 10,
      });
    });
  });

  describe('exceptions', () => {
    it('handled exceptions return; an unhandled one is reported with exit code 0xE0', () => {
      const b = new Board().boot('trap');
      expect(b.runToExit()).toBe(BM_EXIT_EXCEPTION);
      expect(b.text.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
      expect(b.text.match(/^PASS /gm)).toHaveLength(9);
      expect(b.text).toContain('trap: faulting now\n');
      expect(b.text).toMatch(/bm: exception code=4 cause=0x[0-9a-f]{8} epc=0x8001[0-9a-f]{4} badvaddr=0x80000003 cpu=0\n$/);
      expect(b.text).not.toContain('survived');
    });
  });

  describe('SMP', () => {
    it('starts every CPU, counts under an LL/SC spinlock, sends IPIs; idle CPUs cost nothing', () => {
      const b = new Board().boot('smp');
      expect(b.runToExit(200_000_000)).toBe(0);
      expectAllPassed(b);
      expect(b.mailbox(0)).toBe(8);
      expect(b.mailbox(1)).toBe(8 * 10_000);
      expect(b.text).toContain('smp: 8 cpus, counter 80000\n');
      const cpus = b.machine.cpus;
      for (let c = 1; c < 8; c++) {
        expect(b.machine.started[c]).toBe(1);
        // CPU 0 stayed busy for 300000 cycles while the others waited for its IPIs.
        expect(cpus[c].idleCycles).toBeGreaterThan(250_000);
        expect(cpus[c].instret + cpus[c].idleCycles).toBeLessThanOrEqual(cpus[c].cycles);
      }
      expect(cpus[0].idleCycles).toBeLessThan(cpus[1].idleCycles);
    });

    it('keeps the spinlock total with fine-grained interleaving (97-cycle quanta)', () => {
      // Short, odd quanta preempt CPUs inside the lock and between LL and SC all the time (an
      // unlocked increment loses most of its updates this way).
      const b = new Board({ quantum: 97 }).boot('smp');
      expect(b.runToExit(200_000_000)).toBe(0);
      expectAllPassed(b);
      expect(b.mailbox(1)).toBe(8 * 10_000);
      for (let c = 1; c < 8; c++) expect(b.machine.cpus[c].idleCycles).toBeGreaterThan(250_000);
    });
  });

  describe('timed mode', () => {
    it('remote misses cost 3x local misses and are attributed to the right node', () => {
      const b = new Board({ timed: true }).boot('numa');
      expect(b.runToExit()).toBe(0);
      expectAllPassed(b);
      expect(b.mailbox(0)).toBe(0x4e554d41);
      const [t0, t1, t2, lines, localPa, remotePa, insnsPerLine] = [1, 2, 3, 4, 5, 6, 7].map((i) => b.mailbox(i));
      expect(lines).toBe(16384);
      expect(b.machine.memory.nodeOf(localPa)).toBe(0);
      expect(b.machine.memory.nodeOf(remotePa)).toBe(3);
      const localStall = 2 * ((t1 - t0) >>> 0) - insnsPerLine * lines;
      const remoteStall = 2 * ((t2 - t1) >>> 0) - insnsPerLine * lines;
      expect(localStall / lines).toBeCloseTo(60, 0);
      expect(remoteStall / lines).toBeCloseTo(180, 0);
      expect(remoteStall / localStall).toBeGreaterThan(2.95);
      expect(remoteStall / localStall).toBeLessThan(3.05);

      const cache = b.machine.cache!;
      const s = cache.stats(0);
      expect(s.remoteMisses).toBe(lines); // only the remote walk touched node 3
      expect(s.remoteStallCycles).toBe(180 * lines);
      expect(s.localMisses).toBeGreaterThanOrEqual(lines);
      expect(s.localMisses).toBeLessThan(lines + 200); // + code, stack, data of the program
      expect(s.localStallCycles).toBe(60 * s.localMisses);
      expect(cache.totals().remoteMisses).toBe(lines);
      for (let c = 1; c < 8; c++) expect(cache.stats(c).readMisses + cache.stats(c).writeMisses).toBe(0);
      // The miss counters saw the remote walk from node 0.
      const counters = b.machine.missCounters!;
      expect(counters.count(remotePa >>> 12, 0)).toBe(32); // 4096 / 128 lines per page
      expect(counters.count(localPa >>> 12, 0)).toBe(32);
    });

    it('with node-controller occupancy, misses also queue at their home controller, measured per round', () => {
      const occupancy = 40;
      const free = new Board({ timed: true }).boot('numa');
      expect(free.runToExit()).toBe(0);
      const b = new Board({ timed: true, cache: { controllerOccupancyCycles: occupancy } }).boot('numa');
      // The program's own checks expect the contention-free 60 / 180 cycles, so they fail now.
      expect(b.runToExit()).toBe(1);
      expect(b.text).toMatch(/FAIL.*remote miss ~180 cycles/);
      const [t0, t1, t2, lines] = [1, 2, 3, 4].map((i) => b.mailbox(i));
      const cache = b.machine.cache!;
      // Node 3's controller served exactly the remote walk: one CPU's back-to-back misses keep
      // it about 40 / 225 busy, so after the first round every request waited a few cycles.
      const node3 = cache.controllerStats(3);
      expect(node3.requests).toBe(lines);
      expect(node3.peakUtilisation).toBeGreaterThan(0.1);
      expect(node3.peakUtilisation).toBeLessThan(0.25);
      expect(node3.meanQueueCycles).toBeGreaterThan(2);
      expect(node3.meanQueueCycles).toBeLessThan(occupancy);
      expect(cache.controllerStats(0).requests).toBeGreaterThanOrEqual(lines); // the local walk, code, stack
      for (let n = 1; n < 3; n++) expect(cache.controllerStats(n).requests).toBe(0);
      const s = cache.stats(0);
      expect(s.stallCycles).toBe(s.localStallCycles + s.remoteStallCycles + s.queueStallCycles);
      // Each walk took longer than without contention, the remote one by the cycles it queued
      // (Count ticks every other cycle).
      const remoteWalk = 2 * ((t2 - t1) >>> 0);
      const freeRemoteWalk = 2 * ((free.mailbox(3) - free.mailbox(2)) >>> 0);
      expect(2 * ((t1 - t0) >>> 0)).toBeGreaterThan(2 * ((free.mailbox(2) - free.mailbox(1)) >>> 0));
      expect(remoteWalk - freeRemoteWalk).toBeGreaterThan(0.99 * node3.meanQueueCycles * lines);
      expect(remoteWalk - freeRemoteWalk).toBeLessThan(1.01 * node3.meanQueueCycles * lines + 100);
    });

    it('miss counters raise a hot-page notification for the page and node; fast mode records nothing', () => {
      const threshold = 64;
      const b = new Board({ timed: true, missThreshold: threshold }).boot('hotpage');
      expect(b.runToExit()).toBe(0);
      expectAllPassed(b);
      const page = b.mailbox(0) >>> 12;
      const node = b.mailbox(1);
      const rounds = b.mailbox(2);
      expect(node).toBe(3);
      const counters = b.machine.missCounters!;
      expect(counters.count(page, node)).toBe(rounds);
      expect(counters.count(page, 0)).toBe(0);
      const hot: [number, number, number][] = [];
      counters.drainHot((p, n, c) => hot.push([p, n, c]));
      expect(hot).toContainEqual([page, node, threshold]);
      expect(hot.filter(([p]) => p === page)).toHaveLength(1);
      expect(b.machine.cache!.stats(6).remoteMisses).toBeGreaterThanOrEqual(3 * rounds);

      const fast = new Board({ timed: false, missThreshold: threshold }).boot('hotpage');
      expect(fast.runToExit()).toBe(0);
      expectAllPassed(fast);
      expect(fast.machine.missCounters).toBeNull();
      expect(fast.machine.cache).toBeNull();
    });
  });
});
