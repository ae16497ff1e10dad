// A private persistent disk of one VM: a host image behind libs/machine's BlockBackend, driven
// by DISK_START (one call per command, data moved through the pmap) and DISK_POLL. With a
// modelled latency a command stays BUSY until machine time reaches issue + fixed + perSector *
// count; otherwise it completes inside the call. Completion posts VIRQ DISKn.

import type { BlockBackend } from '../../../machine/src/devices/block/block.backend.js';
import { DISK_STATE } from '../abi/monitor-abi.js';

export interface DiskLatency {
  fixedCycles: number;
  perSectorCycles: number;
}

export class VirtualDisk {
  state: number = DISK_STATE.IDLE;
  /** Result once complete (DONE or FAILED). */
  result: number = DISK_STATE.DONE;
  completeAt = Infinity;

  constructor(readonly backend: BlockBackend) {}

  get sectors(): number {
    return this.backend.sectorCount;
  }

  get readOnly(): boolean {
    return this.backend.readOnly === true;
  }

  reset(): void {
    this.state = DISK_STATE.IDLE;
    this.completeAt = Infinity;
  }
}
