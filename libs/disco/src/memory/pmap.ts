// The pmap of one VM: guest physical page -> machine page, allocated on first touch on the node
// the touching vCPU prefers, zeroed by the monitor. Backmaps (which virtual addresses map a
// page) live in the memmap entry of the machine page (memmap.ts).

import { MachinePages, PAGE_SHIFT } from './memmap.js';

export const NOT_MAPPED = -1;
/** alloc() result when machine memory is exhausted. */
export const OUT_OF_MEMORY = -2;

export class Pmap {
  /** Machine page of each guest page, or NOT_MAPPED. */
  readonly machinePage: Int32Array;
  readonly guestPages: number;
  /** Pages currently allocated, per node. */
  readonly pagesPerNode: Float64Array;
  /** Pages ever allocated (zero-filled by the monitor). */
  allocations = 0;

  constructor(
    readonly vmId: number,
    readonly memoryBytes: number,
    private readonly machine: MachinePages,
    private readonly ram: Uint8Array,
  ) {
    this.guestPages = memoryBytes >>> PAGE_SHIFT;
    this.machinePage = new Int32Array(this.guestPages).fill(NOT_MAPPED);
    this.pagesPerNode = new Float64Array(machine.nodes);
  }

  /** Machine page of guest page `gp` (which must be < guestPages), allocating it zeroed on `node`. */
  lookupOrAlloc(gp: number, node: number): number {
    const m = this.machinePage[gp];
    if (m !== NOT_MAPPED) return m;
    const p = this.machine.alloc(node, this.vmId, gp);
    if (p < 0) return OUT_OF_MEMORY;
    this.ram.fill(0, p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
    this.machinePage[gp] = p;
    this.pagesPerNode[this.machine.nodeOf(p)]++;
    this.allocations++;
    return p;
  }

  /** Give guest page `gp` back (its machine page becomes free). Returns the machine page or NOT_MAPPED. */
  drop(gp: number): number {
    const m = this.machinePage[gp];
    if (m === NOT_MAPPED) return m;
    this.machinePage[gp] = NOT_MAPPED;
    this.pagesPerNode[this.machine.nodeOf(m)]--;
    this.machine.release(m);
    return m;
  }

  /** Free every page (VM shutdown or reboot). */
  clear(): void {
    for (let gp = 0; gp < this.guestPages; gp++) if (this.machinePage[gp] !== NOT_MAPPED) this.drop(gp);
  }

  allocatedPages(): number {
    let n = 0;
    for (let i = 0; i < this.pagesPerNode.length; i++) n += this.pagesPerNode[i];
    return n;
  }
}
