// VM definitions (create, read, update and delete while stopped) and the operator's actions
// (start, stop, shutdown, pause, resume, reset), each checked against the VM's state and the
// machine's resources before one command goes to the worker.
import { Inject, Injectable } from '@nestjs/common';
import {
  actionAllowed, definitionEditable, type VmAction, type VmSpec, type VmView,
} from '../../../../libs/protocol/src/index.js';
import { ApiException } from '../common/api-error.js';
import { newId } from '../common/ids.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/config.js';
import { DEFAULT_KERNEL, kernelImages } from '../config/paths.js';
import { ConsoleService } from '../console/console.service.js';
import { PrismaService } from '../db/prisma.service.js';
import type { Disk, Vm, VmDisk } from '../db/generated/client.js';
import { BASE_ROOTFS, DisksService } from '../disks/disks.service.js';
import { EventsService } from '../events/events.service.js';
import { MachineService } from '../machine/machine.service.js';
import { WorkerHost } from '../machine/worker-host.service.js';
import { RunsService } from '../runs/runs.service.js';
import type { CreateVmDto, UpdateVmDto } from './dto/vm.dto.js';
import { VmRuntime } from './vm-runtime.service.js';

type VmRow = Vm & { disks: (VmDisk & { disk: Disk })[] };
const withDisks = { disks: { include: { disk: true }, orderBy: { slot: 'asc' as const } } };

@Injectable()
export class VmsService {
  constructor(
    private readonly db: PrismaService,
    private readonly disks: DisksService,
    private readonly machine: MachineService,
    private readonly runtime: VmRuntime,
    private readonly host: WorkerHost,
    private readonly runs: RunsService,
    private readonly console: ConsoleService,
    private readonly events: EventsService,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  view(vm: VmRow): VmView {
    const live = this.runtime.get(vm.id);
    return {
      id: vm.id, name: vm.name, vcpus: vm.vcpus, memoryMiB: vm.memoryMiB, kernel: vm.kernel, cmdline: vm.cmdline,
      homeNode: vm.homeNode, autostart: vm.autostart, bootScript: vm.bootScript,
      disks: vm.disks.map((d) => ({ slot: d.slot, diskId: d.diskId, name: d.disk.name, kind: d.disk.kind as 'base' | 'persistent', sizeBytes: d.disk.sizeBytes })),
      state: live.state, runId: live.runId, net: live.runId === null ? null : (live.net ?? null), runStartedAt: live.runId === null ? null : (live.startedAt ?? null), createdAt: vm.createdAt.toISOString(), updatedAt: vm.updatedAt.toISOString(),
    };
  }

  async row(id: string): Promise<VmRow> {
    const vm = await this.db.vm.findUnique({ where: { id }, include: withDisks });
    if (vm === null) throw ApiException.notFound('VM', id);
    return vm;
  }

  async list(): Promise<VmView[]> {
    const rows = await this.db.vm.findMany({ include: withDisks, orderBy: { createdAt: 'asc' } });
    return rows.map((r) => this.view(r));
  }

  async get(id: string): Promise<VmView> {
    return this.view(await this.row(id));
  }

  /** Checks that depend on the machine: 400 with the field's message. */
  private checkAgainstMachine(d: { vcpus?: number; memoryMiB?: number; homeNode?: number; kernel?: string }): void {
    const m = this.machine.get();
    const fields: Record<string, string[]> = {};
    if (d.vcpus !== undefined && d.vcpus > m.cpus) fields.vcpus = [`vcpus must be at most the machine's ${m.cpus} CPUs`];
    if (d.memoryMiB !== undefined && d.memoryMiB > m.memoryMiB) fields.memoryMiB = [`memoryMiB must be at most the machine's ${m.memoryMiB} MiB`];
    if (d.homeNode !== undefined && d.homeNode >= m.nodes) fields.homeNode = [`homeNode must be below the machine's ${m.nodes} nodes`];
    if (d.kernel !== undefined && !(d.kernel in kernelImages())) fields.kernel = [`kernel must be one of: ${Object.keys(kernelImages()).join(', ')}`];
    const keys = Object.keys(fields);
    if (keys.length > 0) throw new ApiException('validation_failed', keys.map((k) => fields[k]!.join(', ')).join('; '), fields);
  }

  private async nameFree(name: string, except?: string): Promise<void> {
    const other = await this.db.vm.findUnique({ where: { name } });
    if (other !== null && other.id !== except) throw ApiException.conflict(`a VM named "${name}" exists`);
  }

  async create(dto: CreateVmDto, actor: string): Promise<VmView> {
    const kernel = dto.kernel ?? DEFAULT_KERNEL;
    this.checkAgainstMachine({ ...dto, kernel });
    await this.nameFree(dto.name);
    const id = newId('vm');
    const vm = await this.db.$transaction(async (tx) => {
      const disk = await this.disks.createPersistent(tx, dto.rootImage ?? BASE_ROOTFS, dto.name);
      return tx.vm.create({
        data: {
          id, name: dto.name, vcpus: dto.vcpus, memoryMiB: dto.memoryMiB, kernel, cmdline: dto.cmdline ?? '',
          homeNode: dto.homeNode ?? 0, autostart: dto.autostart ?? false, bootScript: dto.bootScript ?? '',
          disks: { create: [{ slot: 0, diskId: disk.id }] },
        },
        include: withDisks,
      });
    });
    await this.events.record(actor, 'vm.created', { vmId: id, detail: { name: dto.name } });
    return this.view(vm);
  }

  async update(id: string, dto: UpdateVmDto, actor: string): Promise<VmView> {
    const vm = await this.row(id);
    const state = this.runtime.get(id).state;
    if (!definitionEditable(state)) throw ApiException.conflict(`VM ${vm.name} is ${state}: stop it before changing it`);
    this.checkAgainstMachine(dto);
    if (dto.name !== undefined) await this.nameFree(dto.name, id);
    const updated = await this.db.vm.update({ where: { id }, data: { ...dto }, include: withDisks });
    await this.events.record(actor, 'vm.updated', { vmId: id, detail: { fields: Object.keys(dto) } });
    return this.view(updated);
  }

  async remove(id: string, actor: string): Promise<void> {
    const vm = await this.row(id);
    const state = this.runtime.get(id).state;
    if (!definitionEditable(state)) throw ApiException.conflict(`VM ${vm.name} is ${state}: stop it before deleting it`);
    const own = vm.disks.map((d) => d.disk).filter((d) => d.kind === 'persistent');
    await this.db.$transaction(async (tx) => {
      await tx.vm.delete({ where: { id } });
      await tx.disk.deleteMany({ where: { id: { in: own.map((d) => d.id) } } });
    });
    this.disks.removeFiles(own);
    await this.events.record(actor, 'vm.deleted', { vmId: id, detail: { name: vm.name } });
  }

  private spec(vm: VmRow, runId: string): VmSpec {
    return {
      vmId: vm.id, runId, name: vm.name, vcpus: vm.vcpus, memoryMiB: vm.memoryMiB, homeNode: vm.homeNode,
      kernelPath: kernelImages()[vm.kernel] ?? '', cmdline: vm.cmdline, bootScript: vm.bootScript,
      disks: vm.disks.map((d) => ({ slot: d.slot, path: this.disks.path(d.disk), readOnly: d.disk.kind === 'base' })),
    };
  }

  async action(id: string, action: VmAction, actor: string): Promise<VmView> {
    const vm = await this.row(id);
    const live = this.runtime.get(id);
    if (!actionAllowed(action, live.state)) throw ApiException.conflict(`cannot ${action} VM ${vm.name}: it is ${live.state}`);
    if (action === 'start') await this.start(vm, actor);
    else {
      if (action === 'stop') this.runtime.set(id, { ...live, stopBy: actor });
      if (action === 'shutdown') this.runtime.set(id, { ...live, shutdownBy: actor });
      const cmd = action === 'shutdown'
        ? { kind: action, vmId: id, timeoutMs: this.config.shutdownTimeoutMs }
        : { kind: action, vmId: id };
      await this.events.record(actor, `vm.${action}`, { vmId: id, runId: live.runId ?? undefined });
      await this.host.dispatch(cmd);
      if (action === 'stop') await this.runtime.settled(id);
    }
    return this.view(await this.row(id));
  }

  private async start(vm: VmRow, actor: string): Promise<void> {
    await this.runtime.settled(vm.id);
    if (!(vm.kernel in kernelImages())) {
      throw ApiException.conflict(`VM ${vm.name} names kernel "${vm.kernel}", which this server cannot boot (${Object.keys(kernelImages()).join(', ')}): change its kernel`);
    }
    const used = this.runtime.all().reduce((sum, [, l]) => sum + (l.memoryMiB ?? 0), 0);
    const total = this.machine.get().memoryMiB;
    if (used + vm.memoryMiB > total) {
      throw new ApiException('insufficient_resources', `VM ${vm.name} needs ${vm.memoryMiB} MiB; ${total - used} of the machine's ${total} MiB are free`);
    }
    const run = await this.runs.open(vm.id);
    this.console.beginRun(vm.id, run.id);
    this.runtime.set(vm.id, { state: 'starting', runId: run.id, memoryMiB: vm.memoryMiB, startedAt: run.startedAt.toISOString() });
    await this.events.record(actor, 'vm.start', { vmId: vm.id, runId: run.id });
    try {
      await this.host.dispatch({ kind: 'start', spec: this.spec(vm, run.id) });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.runtime.ended(vm.id, run.id, 'crashed', null, `start failed: ${message}`, { instructions: 0, cycles: 0, hostMs: 0, boots: 0 });
      await this.runtime.settled(vm.id);
      throw e;
    }
  }

  /** Running VMs for the machine view. */
  async running(): Promise<{ vmId: string; name: string; state: VmView['state']; vcpus: number; memoryMiB: number; homeNode: number }[]> {
    const ids = this.runtime.all().map(([id]) => id);
    const rows = await this.db.vm.findMany({ where: { id: { in: ids } } });
    return rows.map((r) => ({ vmId: r.id, name: r.name, state: this.runtime.get(r.id).state, vcpus: r.vcpus, memoryMiB: r.memoryMiB, homeNode: r.homeNode }));
  }

  /** Start the VMs marked autostart (at server start). */
  async autostart(): Promise<string[]> {
    const rows = await this.db.vm.findMany({ where: { autostart: true }, orderBy: { createdAt: 'asc' } });
    const started: string[] = [];
    for (const r of rows) {
      try {
        await this.action(r.id, 'start', 'system');
        started.push(r.name);
      } catch {
        // Recorded as a crashed run or not startable now (memory); the others still start.
      }
    }
    return started;
  }
}
