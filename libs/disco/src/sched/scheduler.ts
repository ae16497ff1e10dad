// The vCPU scheduler: vCPUs are time-shared on physical CPUs. Each vCPU has a home physical CPU
// on the node that holds its VM's memory (affinity); at the start of each round every physical
// CPU keeps its vCPU until its slice ends (a vCPU away from its home node only while its home
// CPU has nothing of its own: then it goes home), else takes the next runnable vCPU of its own
// queue (round-robin), else steals a runnable vCPU nobody took, preferring its own node. A vCPU in
// `wait` is not runnable until an interrupt is posted to it. Everything is in a fixed order, so
// runs are deterministic.

import { VCPU_STATE, type VCpu } from '../vcpu/vcpu.js';

/** A round number no vCPU has run in (round-start assignment does not exclude anyone). */
const ANY_ROUND = -2;

export class Scheduler {
  /** vCPUs by home physical CPU. */
  readonly queues: VCpu[][];
  private readonly rr: Int32Array;
  readonly all: VCpu[] = [];
  /** Physical CPU -> node. */
  readonly cpuNode: Int32Array;

  constructor(readonly pcpus: number, cpuNode: (p: number) => number) {
    this.queues = Array.from({ length: pcpus }, () => []);
    this.rr = new Int32Array(pcpus);
    this.cpuNode = Int32Array.from({ length: pcpus }, (_, p) => cpuNode(p));
  }

  static runnable(v: VCpu): boolean {
    return v.state === VCPU_STATE.Runnable && v.vm.state === 'running' && !v.vm.resetPending && !v.vm.paused;
  }

  add(v: VCpu): void {
    this.queues[v.home].push(v);
    this.all.push(v);
  }

  /** Number of vCPUs homed on each physical CPU. */
  load(p: number): number {
    return this.queues[p].length;
  }

  anyRunnable(): boolean {
    for (const v of this.all) if (Scheduler.runnable(v)) return true;
    return false;
  }

  /**
   * Decide which vCPU each physical CPU runs this round (-1/null = idle). `current[p]` is the
   * vCPU loaded on p; a vCPU keeps its CPU until `sliceEnd` unless nobody else wants the CPU.
   */
  assign(current: (VCpu | null)[], now: number, sliceCycles: number, out: (VCpu | null)[]): void {
    for (const v of this.all) v.assigned = -1;
    // Affinity: a vCPU on its home node keeps its CPU; one that was stolen by another node goes
    // back to its home CPU as soon as that CPU has nothing of its own (its memory is there).
    for (let p = 0; p < this.pcpus; p++) {
      out[p] = null;
      const cur = current[p];
      if (cur !== null && cur.homeNode === this.cpuNode[p] && this.keeps(p, cur, now, sliceCycles)) out[p] = cur;
    }
    for (let p = 0; p < this.pcpus; p++) {
      if (out[p] === null) out[p] = this.fromHome(p, now, sliceCycles);
    }
    for (let p = 0; p < this.pcpus; p++) {
      const cur = current[p];
      if (out[p] === null && cur !== null && cur.assigned === -1 && this.keeps(p, cur, now, sliceCycles)) out[p] = cur;
    }
    for (let p = 0; p < this.pcpus; p++) {
      if (out[p] === null) out[p] = this.steal(p, now, sliceCycles, ANY_ROUND);
    }
  }

  /** A vCPU for physical CPU p in the middle of a round (its vCPU blocked): home queue, then steal. */
  pick(p: number, now: number, sliceCycles: number, round: number): VCpu | null {
    return this.fromHome(p, now, sliceCycles, round) ?? this.steal(p, now, sliceCycles, round);
  }

  /** cur stays on p this round: runnable, and its slice runs or nobody of p's queue waits. */
  private keeps(p: number, cur: VCpu, now: number, sliceCycles: number): boolean {
    if (!Scheduler.runnable(cur) || (cur.sliceEnd <= now && this.homeHasOther(p, cur))) return false;
    if (cur.sliceEnd <= now) cur.sliceEnd = now + sliceCycles;
    cur.assigned = p;
    return true;
  }

  private homeHasOther(p: number, cur: VCpu): boolean {
    for (const v of this.queues[p]) if (v !== cur && v.assigned === -1 && Scheduler.runnable(v)) return true;
    return false;
  }

  private fromHome(p: number, now: number, sliceCycles: number, round = ANY_ROUND): VCpu | null {
    const q = this.queues[p];
    const n = q.length;
    for (let k = 0; k < n; k++) {
      const i = (this.rr[p] + k) % n;
      const v = q[i];
      if (v.assigned === -1 && Scheduler.runnable(v) && v.ranRound !== round) {
        this.rr[p] = (i + 1) % n;
        v.assigned = p;
        v.sliceEnd = now + sliceCycles;
        return v;
      }
    }
    return null;
  }

  private steal(p: number, now: number, sliceCycles: number, round: number): VCpu | null {
    let best: VCpu | null = null;
    let bestLocal = false;
    const node = this.cpuNode[p];
    for (const v of this.all) {
      if (v.assigned !== -1 || !Scheduler.runnable(v) || v.ranRound === round) continue;
      const local = v.homeNode === node;
      if (best === null || (local && !bestLocal) || (local === bestLocal && v.lastRun < best.lastRun)) {
        best = v;
        bestLocal = local;
      }
    }
    if (best !== null) {
      best.assigned = p;
      best.sliceEnd = now + sliceCycles;
    }
    return best;
  }

  /** Forget the vCPUs of a VM (it was destroyed). */
  remove(pred: (v: VCpu) => boolean): void {
    for (const q of this.queues) for (let i = q.length - 1; i >= 0; i--) if (pred(q[i])) q.splice(i, 1);
    for (let i = this.all.length - 1; i >= 0; i--) if (pred(this.all[i])) this.all.splice(i, 1);
  }
}
