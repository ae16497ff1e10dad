// The VM list, shared by every page: loaded from GET /api/vms, kept current by vm:state events
// (state and run change at once) and refreshed every REFRESH_MS and on reconnect, so edits made
// elsewhere show up. Also the start time of each open run (for uptime), from VmView.runStartedAt.
import type { VmView } from '../protocol';
import { api, ApiFailure } from './client';
import type { Live } from './live';

const REFRESH_MS = 10_000;

export interface VmsSnapshot {
  vms: VmView[];
  loaded: boolean;
  error: ApiFailure | null;
  /** runId -> ISO start time. */
  runStarts: Record<string, string>;
}

export class VmsStore {
  private snap: VmsSnapshot = { vms: [], loaded: false, error: null, runStarts: {} };
  private readonly listeners = new Set<() => void>();
  private readonly offs: (() => void)[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(live: Live) {
    this.offs.push(live.onState((m) => {
      const known = this.snap.vms.some((v) => v.id === m.vmId);
      if (!known) return void this.refresh();
      const newRun = m.runId !== null && this.snap.runStarts[m.runId] === undefined;
      const prev = this.snap.vms.find((v) => v.id === m.vmId)!;
      // A stopped VM has no station on the virtual subnet; a run's station comes once it runs.
      const net = m.state === 'stopped' || prev.runId !== m.runId ? null : prev.net;
      this.set({ vms: this.snap.vms.map((v) => (v.id === m.vmId ? { ...v, state: m.state, runId: m.runId, runStartedAt: v.runId === m.runId ? v.runStartedAt : null, net } : v)) });
      // A run this page has not seen: its start comes with the VM; so does its address once it runs.
      if (newRun || (m.state === 'running' && net === null)) api.get<VmView>(`/vms/${m.vmId}`).then((vm) => this.put(vm), () => undefined);
    }));
    this.offs.push(live.onStatus((s) => {
      if (s === 'connected') void this.refresh();
    }));
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    void this.refresh();
  }

  get snapshot(): VmsSnapshot {
    return this.snap;
  }

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  private set(part: Partial<VmsSnapshot>): void {
    this.snap = { ...this.snap, ...part };
    this.listeners.forEach((l) => l());
  }

  async refresh(): Promise<void> {
    try {
      const vms = await api.get<VmView[]>('/vms');
      this.set({ vms, loaded: true, error: null });
      this.loadStarts();
    } catch (e) {
      this.set({ loaded: true, error: e instanceof ApiFailure ? e : new ApiFailure(0, 'network', String(e)) });
    }
  }

  /** Put a VM as the server just returned it (after an action or an edit). */
  put(vm: VmView): void {
    const has = this.snap.vms.some((v) => v.id === vm.id);
    this.set({ vms: has ? this.snap.vms.map((v) => (v.id === vm.id ? vm : v)) : [...this.snap.vms, vm] });
    this.loadStarts();
  }

  drop(id: string): void {
    this.set({ vms: this.snap.vms.filter((v) => v.id !== id) });
  }

  /** Run starts from the VMs' runStartedAt (kept per run id, so a chart or uptime survives a refetch). */
  private loadStarts(): void {
    const add: Record<string, string> = {};
    for (const v of this.snap.vms) if (v.runId !== null && v.runStartedAt !== null && this.snap.runStarts[v.runId] === undefined) add[v.runId] = v.runStartedAt;
    if (Object.keys(add).length > 0) this.set({ runStarts: { ...this.snap.runStarts, ...add } });
  }

  close(): void {
    this.offs.forEach((f) => f());
    if (this.timer !== null) clearInterval(this.timer);
  }
}
