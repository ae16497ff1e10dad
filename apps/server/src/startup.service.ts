// What happens once at every start, in order: close runs a previous server left open
// (aborted), make sure an admin token exists, load the machine configuration, build the base
// disk image if missing, seed two example VMs on the very first start, start the machine
// worker, then start the VMs marked autostart.
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { TokensService } from './auth/tokens.service.js';
import { SERVER_CONFIG, type ServerConfig } from './config/config.js';
import { DisksService } from './disks/disks.service.js';
import { EventsService } from './events/events.service.js';
import { MachineService } from './machine/machine.service.js';
import { WorkerHost } from './machine/worker-host.service.js';
import { RunsService } from './runs/runs.service.js';
import { VmsService } from './vms/vms.service.js';

/** The example VMs of a fresh database. */
export const SEED_VMS = [
  { name: 'demo-small', vcpus: 1, memoryMiB: 32, bootScript: 'echo seeded demo VM: try ls /bin' },
  { name: 'demo-smp', vcpus: 2, memoryMiB: 64, homeNode: 1, bootScript: '' },
];

@Injectable()
export class StartupService implements OnApplicationBootstrap {
  private readonly log = new Logger('Startup');

  constructor(
    private readonly runs: RunsService,
    private readonly tokens: TokensService,
    private readonly machine: MachineService,
    private readonly disks: DisksService,
    private readonly vms: VmsService,
    private readonly host: WorkerHost,
    private readonly events: EventsService,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const aborted = await this.runs.abortOpen();
    for (const r of aborted) await this.events.record('system', 'run.aborted', { vmId: r.vmId, runId: r.id });
    if (aborted.length > 0) this.log.warn(`closed ${aborted.length} run(s) left open by the previous server as aborted`);
    await this.tokens.bootstrap();
    const m = await this.machine.load();
    await this.disks.ensureBaseImages();
    if (this.machine.firstStart) {
      for (const s of SEED_VMS) await this.vms.create({ ...s, homeNode: Math.min(s.homeNode ?? 0, m.nodes - 1) }, 'system');
      this.log.log(`first start: seeded example VMs ${SEED_VMS.map((s) => s.name).join(', ')}`);
    }
    this.host.config = this.machine.workerConfig();
    await this.host.start();
    await this.events.record('system', 'server.started', { detail: { cpus: m.cpus, nodes: m.nodes, memoryMiB: m.memoryMiB, timed: m.timed, numa: this.machine.numa(), backend: this.host.backend } });
    if (this.config.autostart) {
      const started = await this.vms.autostart();
      if (started.length > 0) this.log.log(`autostarted ${started.join(', ')}`);
    }
  }
}
