// VM definitions (create, read, update and delete while stopped) and the operator's actions
// (start, stop, shutdown, pause, resume, reset), each checked against the VM's state and the
// machine's resources before one command goes to the worker.
import { Inject, Injectable } from '@nestjs/common';
import {
  actionAllowed, definitionEditable, type DiskMode, type VmAction, type VmSpec, type VmView,
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
import type { CreateVmDto, UpdateVmDto, VmDiskRequestDto } from './dto/vm.dto.js';
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
      disks: vm.disks.map((d) => ({
        slot: d.slot, diskId: d.diskId, name: d.disk.name, kind: d.disk.kind as 'base' | 'persistent', sizeBytes: d.disk.sizeBytes, mode: d.mode as DiskMode,
        overlay: d.overlayFile === null ? null : { file: d.overlayFile, sizeBytes: this.disks.overlaySize(d.overlayFile) },
      })),
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
    if (dto.disks !== undefined && dto.rootImage !== undefined) throw ApiException.field('rootImage', 'give rootImage or disks, not both');
    const requested: VmDiskRequestDto[] = dto.disks ?? [{ slot: 0, mode: 'private', base: dto.rootImage ?? BASE_ROOTFS }];
    const existing = await this.checkDisks(requested, dto.disks === undefined);
    const id = newId('vm');
    const vm = await this.db.$transaction(async (tx) => {
      const rows: { slot: number; diskId: string; mode: DiskMode; overlayFile: string | null }[] = [];
      for (const [i, d] of requested.entries()) {
        const diskId = existing[i] ?? (await this.disks.createPersistent(tx, d.base!, dto.name, dto.disks === undefined ? 'rootImage' : `disks.${i}.base`)).id;
        rows.push({ slot: d.slot, diskId, mode: d.mode, overlayFile: d.mode === 'cow-persistent' ? `${id}-${d.slot}.cow` : null });
      }
      return tx.vm.create({
        data: {
          id, name: dto.name, vcpus: dto.vcpus, memoryMiB: dto.memoryMiB, kernel, cmdline: dto.cmdline ?? '',
          homeNode: dto.homeNode ?? 0, autostart: dto.autostart ?? false, bootScript: dto.bootScript ?? '',
          disks: { create: rows },
        },
        include: withDisks,
      });
    });
    await this.events.record(actor, 'vm.created', { vmId: id, detail: { name: dto.name } });
    return this.view(vm);
  }

  /**
   * Check a new VM's disks (400 naming `disks.N.field`): slots unique with slot 0 present; cow and
   * cow-persistent name an existing base image; private names either a base to copy or an
   * existing persistent disk. Returns, per entry, the disk to attach (null: a copy is made).
   */
  private async checkDisks(disks: VmDiskRequestDto[], fromRootImage: boolean): Promise<(string | null)[]> {
    const fields: Record<string, string[]> = {};
    const bad = (f: string, m: string): void => void (fields[f] ??= []).push(m);
    const slots = new Set<number>();
    const out: (string | null)[] = [];
    for (const [i, d] of disks.entries()) {
      const at = (f: string): string => (fromRootImage && f === 'base' ? 'rootImage' : `disks.${i}.${f}`);
      if (slots.has(d.slot)) bad(at('slot'), `slot ${d.slot} is given twice`);
      slots.add(d.slot);
      out.push(null);
      if (d.mode === 'private') {
        if ((d.base === undefined) === (d.disk === undefined)) {
          bad(at('base'), 'a private disk needs either base (a new copy of that base image) or disk (an existing persistent disk), not both');
          continue;
        }
        if (d.disk !== undefined) {
          const row = await this.db.disk.findUnique({ where: { name: d.disk } });
          if (row === null || row.kind !== 'persistent') bad(at('disk'), `no persistent disk named "${d.disk}" (GET /api/disks)`);
          else out[i] = row.id;
          continue;
        }
      } else if (d.disk !== undefined) {
        bad(at('disk'), `a ${d.mode} disk runs over a base image: give base, not disk`);
        continue;
      } else if (d.base === undefined) {
        bad(at('base'), `a ${d.mode} disk needs base: an existing base image (GET /api/images)`);
        continue;
      }
      const base = await this.db.disk.findUnique({ where: { name: d.base! } });
      if (base === null || base.kind !== 'base') bad(at('base'), `no base image named "${d.base}"`);
      else if (d.mode !== 'private') out[i] = base.id;
    }
    if (!slots.has(0) && Object.keys(fields).length === 0) bad('disks', 'disks must include the root disk, slot 0');
    const keys = Object.keys(fields);
    if (keys.length > 0) throw new ApiException('validation_failed', keys.map((k) => `${k}: ${fields[k]!.join(', ')}`).join('; '), fields);
    return out;
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
    // Its persistent disks go with it, except those another VM has attached too; its overlays go.
    const mine = vm.disks.map((d) => d.disk).filter((d) => d.kind === 'persistent');
    const shared = await this.db.vmDisk.findMany({ where: { diskId: { in: mine.map((d) => d.id) }, vmId: { not: id } } });
    const own = mine.filter((d) => !shared.some((s) => s.diskId === d.id));
    await this.db.$transaction(async (tx) => {
      await tx.vm.delete({ where: { id } });
      await tx.disk.deleteMany({ where: { id: { in: own.map((d) => d.id) } } });
    });
    this.disks.removeFiles(own);
    this.disks.removeOverlays(vm.disks.flatMap((d) => (d.overlayFile === null ? [] : [d.overlayFile])));
    await this.events.record(actor, 'vm.deleted', { vmId: id, detail: { name: vm.name } });
  }

  private spec(vm: VmRow, runId: string): VmSpec {
    return {
      vmId: vm.id, runId, name: vm.name, vcpus: vm.vcpus, memoryMiB: vm.memoryMiB, homeNode: vm.homeNode,
      kernelPath: kernelImages()[vm.kernel] ?? '', cmdline: vm.cmdline, bootScript: vm.bootScript,
      disks: vm.disks.map((d) => ({
        slot: d.slot, mode: d.mode as DiskMode, path: this.disks.path(d.disk), readOnly: d.mode === 'private' && d.disk.kind === 'base',
        ...(d.overlayFile !== null ? { overlay: this.disks.overlayPath(d.overlayFile) } : {}),
      })),
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

  /**
   * Start admission, one at a time: the memory and private-disk checks and the move to
   * `starting` happen under this chain, so two racing starts cannot both pass the checks
   * (the second sees the first as running and gets its 409).
   */
  private admission: Promise<void> = Promise.resolve();

  private async admit<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.admission.then(work);
    this.admission = turn.then(() => undefined, () => undefined);
    return turn;
  }

  private async start(vm: VmRow, actor: string): Promise<void> {
    await this.runtime.settled(vm.id);
    const run = await this.admit(() => this.admitStart(vm, actor));
    try {
      await this.host.dispatch({ kind: 'start', spec: this.spec(vm, run.id) });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.runtime.ended(vm.id, run.id, 'crashed', null, `start failed: ${message}`, { instructions: 0, cycles: 0, hostMs: 0, boots: 0 });
      await this.runtime.settled(vm.id);
      throw e;
    }
  }

  /** The checks of a start and its run, under the admission chain; the VM is `starting` after it. */
  private async admitStart(vm: VmRow, actor: string): Promise<{ id: string }> {
    const live = this.runtime.get(vm.id);
    if (!actionAllowed('start', live.state)) throw ApiException.conflict(`cannot start VM ${vm.name}: it is ${live.state}`);
    if (!(vm.kernel in kernelImages())) {
      throw ApiException.conflict(`VM ${vm.name} names kernel "${vm.kernel}", which this server cannot boot (${Object.keys(kernelImages()).join(', ')}): change its kernel`);
    }
    const used = this.runtime.all().reduce((sum, [, l]) => sum + (l.memoryMiB ?? 0), 0);
    const total = this.machine.get().memoryMiB;
    if (used + vm.memoryMiB > total) {
      throw new ApiException('insufficient_resources', `VM ${vm.name} needs ${vm.memoryMiB} MiB; ${total - used} of the machine's ${total} MiB are free`);
    }
    await this.checkDisksFree(vm);
    const run = await this.runs.open(vm.id);
    this.console.beginRun(vm.id, run.id);
    this.runtime.set(vm.id, { state: 'starting', runId: run.id, memoryMiB: vm.memoryMiB, startedAt: run.startedAt.toISOString() });
    await this.events.record(actor, 'vm.start', { vmId: vm.id, runId: run.id });
    return run;
  }

  /** A private persistent disk runs in one VM at a time: 409 naming the running VM that has it. */
  private async checkDisksFree(vm: VmRow): Promise<void> {
    const privateIds = vm.disks.filter((d) => d.mode === 'private' && d.disk.kind === 'persistent').map((d) => d.diskId);
    if (privateIds.length === 0) return;
    const running = this.runtime.all().map(([id]) => id).filter((id) => id !== vm.id);
    if (running.length === 0) return;
    const clash = await this.db.vmDisk.findFirst({ where: { diskId: { in: privateIds }, vmId: { in: running } }, include: { vm: true, disk: true } });
    if (clash !== null) throw ApiException.conflict(`disk ${clash.disk.name} is a private persistent disk in use by running VM ${clash.vm.name}: stop it first`);
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
