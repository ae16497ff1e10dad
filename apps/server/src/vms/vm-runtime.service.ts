// The live side of VMs: each VM's state and open run, kept in step with the machine worker's
// events. Console bytes go to ConsoleService, metric samples to MetricsService, ended runs are closed in the database and
// announced, a dead worker ends every open run as crashed. Everything is broadcast on
// socket.io (`vm:state` to all, console and metrics to the VM's room).
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ExitReason, MachineSnapshot, MetricSample, NetAddress, RunCounters, VmState } from '../../../../libs/protocol/src/index.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/config.js';
import { Broadcaster } from '../console/broadcaster.service.js';
import { ConsoleService } from '../console/console.service.js';
import { EventsService } from '../events/events.service.js';
import { WorkerHost, type HostEvent } from '../machine/worker-host.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RunsService } from '../runs/runs.service.js';

export interface Live {
  state: VmState;
  runId: string | null;
  /** Memory the open run holds. */
  memoryMiB?: number;
  /** When the open run started (ISO 8601). */
  startedAt?: string;
  /** The run's station on the virtual subnet (from the worker, once the VM runs). */
  net?: NetAddress;
  /** Set while a shutdown was asked for (decides the actor of the end event). */
  shutdownBy?: string;
  stopBy?: string;
}

const STOPPED: Live = { state: 'stopped', runId: null };

@Injectable()
export class VmRuntime implements OnModuleDestroy {
  private readonly log = new Logger('VmRuntime');
  private readonly live = new Map<string, Live>();
  private readonly latest = new Map<string, MetricSample>();
  /** The worker's latest placement and memory report (null before the first, and after it died). */
  machine: MachineSnapshot | null = null;
  /** Per VM: resolves when the last ended run has been written. */
  private readonly settling = new Map<string, Promise<void>>();

  constructor(
    private readonly host: WorkerHost,
    private readonly console: ConsoleService,
    private readonly runs: RunsService,
    private readonly events: EventsService,
    private readonly io: Broadcaster,
    private readonly metrics: MetricsService,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {
    host.subscribe((e) => this.onEvent(e));
  }

  get(vmId: string): Live {
    return this.live.get(vmId) ?? STOPPED;
  }

  all(): [string, Live][] {
    return [...this.live.entries()].filter(([, l]) => l.state !== 'stopped');
  }

  set(vmId: string, live: Live): void {
    this.live.set(vmId, live);
    this.io.toAll('vm:state', { vmId, runId: live.runId, state: live.state });
  }

  latestSample(vmId: string): MetricSample | null {
    return this.latest.get(vmId) ?? null;
  }

  /** Resolves once the VM's last end has been persisted. */
  settled(vmId: string): Promise<void> {
    return this.settling.get(vmId) ?? Promise.resolve();
  }

  private async untilStopped(vmId: string, deadline: number): Promise<void> {
    while (this.get(vmId).state !== 'stopped' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await this.settled(vmId);
  }

  private onEvent(e: HostEvent): void {
    switch (e.kind) {
      case 'state': {
        const l = this.live.get(e.vmId);
        if (l?.runId === e.runId) this.set(e.vmId, { ...l, state: e.state, ...(e.net !== undefined ? { net: e.net } : {}) });
        return;
      }
      case 'console':
        this.console.append(e.vmId, e.runId, e.data);
        return;
      case 'ended':
        this.ended(e.vmId, e.runId, e.reason, e.exitCode, e.detail, e.totals);
        return;
      case 'metrics':
        for (const s of e.samples) {
          if (this.live.get(s.vmId)?.runId !== s.runId) continue;
          this.latest.set(s.vmId, s);
          this.io.toVm(s.vmId, 'metrics:sample', s);
        }
        this.metrics.record(e.samples).catch((err: Error) => this.log.error(`storing metrics: ${err.message}`));
        return;
      case 'machine':
        this.machine = e.snapshot;
        this.io.toAll('metrics:summary', {
          at: e.snapshot.at,
          samples: [...this.latest.values()].filter((s) => this.live.get(s.vmId)?.runId === s.runId),
          cpus: e.snapshot.cpus,
        });
        return;
      case 'down':
        this.machine = null;
        for (const [vmId, l] of this.all()) {
          // The worker's counters died with it: the last sample's totals are the best known.
          const totals = this.latest.get(vmId)?.totals ?? { instructions: 0, cycles: 0, hostMs: 0, boots: 0 };
          if (l.runId !== null) this.ended(vmId, l.runId, 'crashed', null, e.reason, totals);
        }
        return;
      default:
        return;
    }
  }

  /** Close a run (database, audit log, broadcast); the VM is stopped once that is written. */
  ended(vmId: string, runId: string, reason: ExitReason, exitCode: number | null, detail: string | null, totals: RunCounters): void {
    const l = this.live.get(vmId);
    const actor = reason === 'stopped' ? (l?.stopBy ?? 'system') : reason === 'shutdown' ? (l?.shutdownBy ?? 'system') : reason === 'crashed' ? 'system' : 'guest';
    const prev = this.settled(vmId);
    const work = prev.then(async () => {
      const c = await this.console.endRun(runId);
      await this.runs.end(runId, { reason, exitCode, detail, totals, ...c });
      await this.events.record(actor, 'run.ended', { vmId, runId, detail: { reason, exitCode, detail } });
    }).catch((err: Error) => this.log.error(`closing run ${runId}: ${err.message}`)).then(() => {
      if (this.live.get(vmId)?.runId === runId) {
        this.live.set(vmId, { state: 'stopped', runId: null });
        this.latest.delete(vmId);
        this.io.toAll('vm:state', { vmId, runId, state: 'stopped', exitReason: reason });
      }
    });
    this.settling.set(vmId, work);
  }

  /**
   * Server shutdown: running guests are asked to power off (each run ends as shutdown, or as
   * stopped after DISCO_SHUTDOWN_TIMEOUT_MS), the others are stopped; then the worker exits and
   * every run is written before the database closes.
   */
  async onModuleDestroy(): Promise<void> {
    const deadline = Date.now() + this.config.shutdownTimeoutMs + 1000;
    const asked: Promise<unknown>[] = [];
    for (const [vmId, l] of this.all()) {
      this.live.set(vmId, { ...l, stopBy: 'system', shutdownBy: 'system' });
      if (l.state !== 'running' || this.host.state !== 'ready') continue;
      asked.push(this.host.dispatch({ kind: 'shutdown', vmId, timeoutMs: this.config.shutdownTimeoutMs })
        .then(() => this.untilStopped(vmId, deadline))
        .catch(() => undefined));
    }
    await Promise.all(asked);
    await this.host.stop();
    await Promise.all([...this.settling.values()]);
    await this.console.flush();
  }
}
