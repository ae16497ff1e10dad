// LL/SC links of all CPUs of one machine. A CPU's link is broken by ERET (any exception) and by
// another CPU's store to the same 32-byte block; stores check `active` first so the common case
// (no link anywhere) costs one comparison.

/** Synchronizable block: 32 bytes. */
const BLOCK_SHIFT = 5;

export class LinkMonitor {
  /** Number of CPUs holding a link. */
  active = 0;
  /** Per CPU: linked block (machine address >> BLOCK_SHIFT) or -1. */
  readonly blocks: Int32Array;

  constructor(cpus: number) {
    this.blocks = new Int32Array(cpus).fill(-1);
  }

  link(cpu: number, pa: number): void {
    if (this.blocks[cpu] === -1) this.active++;
    this.blocks[cpu] = pa >>> BLOCK_SHIFT;
  }

  isLinked(cpu: number): boolean {
    return this.blocks[cpu] !== -1;
  }

  clear(cpu: number): void {
    if (cpu < this.blocks.length && this.blocks[cpu] !== -1) {
      this.blocks[cpu] = -1;
      this.active--;
    }
  }

  /** A store by `cpu` to machine address `pa`: break every other CPU's link to that block. */
  stored(pa: number, cpu: number): void {
    const block = pa >>> BLOCK_SHIFT;
    for (let c = 0; c < this.blocks.length; c++) {
      if (c !== cpu && this.blocks[c] === block) {
        this.blocks[c] = -1;
        this.active--;
      }
    }
  }
}
