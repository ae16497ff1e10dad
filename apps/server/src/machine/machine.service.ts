// The physical machine's configuration (MachineConfig row): fixed at first start, changed by
// DISCO_CPUS / DISCO_NODES / DISCO_MEMORY_MIB / DISCO_TIMED at a later start. Reports the
// topology, which running VM sits where, and (from the worker's latest snapshot) which vCPU is
// on which CPU and how the monitor has handed out each node's memory.
import { Inject, Injectable } from '@nestjs/common';
import { MACHINE } from '../../../../libs/machine/src/board/memory-map.js';
import { localMissRatio, type MachineSnapshot, type MachineView, type NumaMode, type WorkerConfig } from '../../../../libs/protocol/src/index.js';
import { ConfigError, SERVER_CONFIG, type ServerConfig } from '../config/config.js';
import { PrismaService } from '../db/prisma.service.js';
import type { MachineConfig } from '../db/generated/client.js';
import { topologyProblems } from './topology.js';

/** Timed mode by default: under the monitor it costs ~4% host time (docs/server.md, "The machine")
 * and gives the NUMA counters (local/remote misses) their meaning. */
export const DEFAULT_TIMED = true;
const PAGES_PER_MIB = 256;
/** NUMA placement by default: the paper's policy (docs/monitor.md); it acts only in timed mode. */
export const DEFAULT_NUMA: NumaMode = 'disco';

export interface RunningVm {
  vmId: string;
  name: string;
  state: MachineView['vms'][number]['state'];
  vcpus: number;
  memoryMiB: number;
  homeNode: number;
}

@Injectable()
export class MachineService {
  private config: MachineConfig | null = null;
  /** True when this start created the machine (the database was new): seed then. */
  firstStart = false;

  constructor(private readonly db: PrismaService, @Inject(SERVER_CONFIG) private readonly server: ServerConfig) {}

  async load(): Promise<MachineConfig> {
    const row = await this.db.machineConfig.findUnique({ where: { id: 1 } });
    const wanted = {
      cpus: this.server.cpus ?? row?.cpus ?? MACHINE.DEFAULT_CPUS,
      nodes: this.server.nodes ?? row?.nodes ?? MACHINE.DEFAULT_NODES,
      memoryMiB: this.server.memoryMiB ?? row?.memoryMiB ?? MACHINE.DEFAULT_RAM_BYTES / (1024 * 1024),
      timed: this.server.timed ?? row?.timed ?? DEFAULT_TIMED,
    };
    const problems = topologyProblems(wanted);
    if (problems.length > 0) {
      const from = (env: unknown, name: string): string => (env !== null ? name : row !== null ? 'stored' : 'default');
      throw new ConfigError(problems.map((p) => `machine of ${wanted.cpus} CPUs (${from(this.server.cpus, 'DISCO_CPUS')}), ${wanted.nodes} nodes (${from(this.server.nodes, 'DISCO_NODES')}), ${wanted.memoryMiB} MiB (${from(this.server.memoryMiB, 'DISCO_MEMORY_MIB')}): ${p}; set the variables together`));
    }
    if (this.server.numa !== null && this.server.numa !== 'off' && !wanted.timed) {
      throw new ConfigError([`DISCO_NUMA=${this.server.numa === 'disco' ? 'on' : this.server.numa} needs the timed model, but the stored machine is in fast mode; set DISCO_TIMED=1 with it (or DISCO_NUMA=off)`]);
    }
    if (row === null) {
      this.firstStart = true;
      this.config = await this.db.machineConfig.create({ data: { id: 1, ...wanted } });
    } else if (row.cpus !== wanted.cpus || row.nodes !== wanted.nodes || row.memoryMiB !== wanted.memoryMiB || row.timed !== wanted.timed) {
      this.config = await this.db.machineConfig.update({ where: { id: 1 }, data: wanted });
    } else {
      this.config = row;
    }
    return this.config;
  }

  get(): MachineConfig {
    if (this.config === null) throw new Error('MachineService.load() has not run');
    return this.config;
  }

  /** The NUMA policy the monitor runs: DISCO_NUMA, else the default; 'off' in fast mode (nothing would count misses). */
  numa(): NumaMode {
    if (!this.get().timed) return 'off';
    return this.server.numa ?? DEFAULT_NUMA;
  }

  /** What the worker builds. */
  workerConfig(): WorkerConfig {
    const c = this.get();
    return { cpus: c.cpus, nodes: c.nodes, memoryMiB: c.memoryMiB, timed: c.timed, numa: this.numa() };
  }

  view(backend: string, running: RunningVm[], snap: MachineSnapshot | null): MachineView {
    const c = this.get();
    const perNode = c.memoryMiB / c.nodes;
    const cpusPerNode = c.cpus / c.nodes;
    const used = running.reduce((s, v) => s + v.memoryMiB, 0);
    const live = new Set(running.map((v) => v.vmId));
    const mib = (pages: number): number => Math.round((pages / PAGES_PER_MIB) * 100) / 100;
    return {
      cpus: c.cpus, nodes: c.nodes, memoryMiB: c.memoryMiB, timed: c.timed, numa: this.numa(), backend,
      nodeList: Array.from({ length: c.nodes }, (_, n) => {
        const mem = snap?.nodes[n];
        return {
          node: n,
          cpus: Array.from({ length: cpusPerNode }, (_, i) => n * cpusPerNode + i),
          memoryMiB: perNode,
          vmMemoryMiB: running.filter((v) => v.homeNode === n).reduce((s, v) => s + v.memoryMiB, 0),
          monitorMemoryMiB: mem === undefined ? null : mib(mem.monitorPages),
          freeMiB: mem === undefined ? null : mib(mem.freePages),
          vmAllocations: mem === undefined ? [] : mem.vms.filter((v) => live.has(v.vmId)).map((v) => ({ vmId: v.vmId, memoryMiB: mib(v.pages), pages: v.pages, replicaPages: v.replicaPages })),
          replicaPages: mem === undefined ? null : mem.replicaPages,
          localMissRatio: mem === undefined ? null : localMissRatio({ cacheLocalMisses: mem.localMisses, cacheRemoteMisses: mem.remoteMisses }),
        };
      }),
      cpuList: Array.from({ length: c.cpus }, (_, p) => {
        const s = snap?.cpus[p];
        const vmId = s !== undefined && s.vmId !== null && live.has(s.vmId) ? s.vmId : null;
        return { cpu: p, node: Math.floor(p / cpusPerNode), vmId, vcpu: vmId === null ? null : (s?.vcpu ?? null), busyPct: s?.busyPct ?? 0 };
      }),
      vms: running,
      freeMemoryMiB: c.memoryMiB - used,
    };
  }
}
