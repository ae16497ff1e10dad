// The interim VM backend, until the Disco monitor (libs/disco) lands: each VM is the guest
// kernel booted on its *own* bare emulated machine (libs/machine) with the VM's vCPU count and
// memory, one node, its disks attached to the block controllers. Boot protocol as in
// docs/guest.md: command line at physical 0x400, panic = "panic: ..." then power-off code 0x7a.
import { readFileSync } from 'node:fs';
import { Machine } from '../../../../libs/machine/src/board/machine.js';
import { MACHINE } from '../../../../libs/machine/src/board/memory-map.js';
import { FileBlockBackend } from '../../../../libs/machine/src/devices/block/block.backend.js';
import type { VmSpec } from '../../../../libs/protocol/src/index.js';
import { CMDLINE_PA, KERNEL_PANIC_CODE } from '../../../cli/src/commands/boot-session.js';
import type { SliceOutcome, VmBackend, VmInstance } from './vm-backend.js';

/** What the interim shutdown types on the console (the bare machine has no power button). */
export const SHUTDOWN_COMMAND = 'poweroff\n';
/** A shell prompt at the end of the output: "# ", "$ " or "> " (for the boot script). */
const PROMPT = /[#$>] $/;
/** Output kept to recognise prompts and panic messages. */
const TAIL_CHARS = 512;

class BareVm implements VmInstance {
  private machine!: Machine;
  private disks: FileBlockBackend[] = [];
  private readonly kernel: Uint8Array;
  private tail = '';
  private pending: Uint8Array[] = [];
  private bootScriptPending: boolean;
  private pastCycles = 0;
  private pastInstructions = 0;
  boots = 0;

  constructor(private readonly spec: VmSpec, private readonly output: (byte: number) => void) {
    this.kernel = readFileSync(spec.kernelPath);
    this.bootScriptPending = spec.bootScript.trim() !== '';
    try {
      this.boot();
    } catch (e) {
      this.closeDisks();
      throw e;
    }
  }

  get cycles(): number {
    return this.pastCycles + this.machine.now;
  }

  get instructions(): number {
    return this.pastInstructions + this.machine.instructions();
  }

  private boot(): void {
    this.closeDisks();
    const slots = [...this.spec.disks].sort((a, b) => a.slot - b.slot);
    this.disks = slots.map((d) => new FileBlockBackend(d.path, { readOnly: d.readOnly }));
    const m = new Machine({
      cpus: this.spec.vcpus,
      nodes: 1,
      memoryBytes: this.spec.memoryMiB * 1024 * 1024,
      disks: this.disks,
      consoleOutput: (b) => this.onOutput(b),
    });
    const loaded = m.loadElf(this.kernel);
    if ('error' in loaded) throw new Error(`kernel ${this.spec.kernelPath}: ${loaded.error}`);
    let arg = 0;
    if (this.spec.cmdline !== '') {
      m.memory.u8.set(Buffer.from(this.spec.cmdline + '\0', 'latin1'), CMDLINE_PA);
      arg = (0x80000000 | CMDLINE_PA) >>> 0;
    }
    m.boot(loaded.entry, arg);
    this.machine = m;
    this.tail = '';
    this.boots++;
  }

  private onOutput(byte: number): void {
    this.output(byte);
    this.tail += String.fromCharCode(byte);
    if (this.tail.length > TAIL_CHARS * 2) this.tail = this.tail.slice(-TAIL_CHARS);
    if (this.bootScriptPending && PROMPT.test(this.tail)) {
      this.bootScriptPending = false;
      const script = this.spec.bootScript.endsWith('\n') ? this.spec.bootScript : this.spec.bootScript + '\n';
      this.input(Buffer.from(script, 'latin1'));
    }
  }

  run(cycles: number): SliceOutcome {
    this.feedInput();
    const r = this.machine.run(cycles);
    if (r === 'poweroff' || r === 'reset') {
      const code = (this.machine.power as { code: number }).code | 0;
      const panic = /\npanic: ([^\n]*)/.exec(this.tail);
      if (code === KERNEL_PANIC_CODE && panic !== null) return { kind: 'panic', message: panic[1]!.trim() };
      if (r === 'poweroff') return { kind: 'poweroff', code };
      this.reset();
    }
    return { kind: 'ran' };
  }

  /** Hand queued console input to the UART, as much as its FIFO takes. */
  private feedInput(): void {
    while (this.pending.length > 0) {
      const head = this.pending[0]!;
      const n = this.machine.devices.uart.input(head);
      if (n === head.length) this.pending.shift();
      else {
        this.pending[0] = head.subarray(n);
        return;
      }
    }
  }

  input(data: Uint8Array): void {
    if (data.length > 0) this.pending.push(data);
  }

  reset(): void {
    this.pastCycles += this.machine.now;
    this.pastInstructions += this.machine.instructions();
    this.pending = [];
    this.boot();
  }

  requestShutdown(): void {
    this.input(Buffer.from(SHUTDOWN_COMMAND, 'latin1'));
  }

  private closeDisks(): void {
    for (const d of this.disks) d.close();
    this.disks = [];
  }

  close(): void {
    this.closeDisks();
  }
}

export class BareMachineBackend implements VmBackend {
  readonly name = 'bare';
  readonly clockHz = MACHINE.CPU_CLOCK_HZ;

  create(spec: VmSpec, output: (byte: number) => void): VmInstance {
    return new BareVm(spec, output);
  }
}
