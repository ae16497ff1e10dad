// The physical machine's configuration (MachineConfig row): fixed at first start, changed by
// DISCO_CPUS / DISCO_NODES / DISCO_MEMORY_MIB at a later start. Reports the topology and which
// running VM sits where.
import { Inject, Injectable } from '@nestjs/common';
import { MACHINE } from '../../../../libs/machine/src/board/memory-map.js';
import type { MachineView } from '../../../../libs/protocol/src/index.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/config.js';
import { PrismaService } from '../db/prisma.service.js';
import type { MachineConfig } from '../db/generated/client.js';

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
    };
    if (row === null) {
      this.firstStart = true;
      this.config = await this.db.machineConfig.create({ data: { id: 1, ...wanted } });
    } else if (row.cpus !== wanted.cpus || row.nodes !== wanted.nodes || row.memoryMiB !== wanted.memoryMiB) {
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

  view(backend: string, running: RunningVm[]): MachineView {
    const c = this.get();
    const perNode = c.memoryMiB / c.nodes;
    const cpusPerNode = c.cpus / c.nodes;
    const used = running.reduce((s, v) => s + v.memoryMiB, 0);
    return {
      cpus: c.cpus, nodes: c.nodes, memoryMiB: c.memoryMiB, timed: c.timed, backend,
      nodeList: Array.from({ length: c.nodes }, (_, n) => ({
        node: n,
        cpus: Array.from({ length: cpusPerNode }, (_, i) => n * cpusPerNode + i),
        memoryMiB: perNode,
        vmMemoryMiB: running.filter((v) => v.homeNode === n).reduce((s, v) => s + v.memoryMiB, 0),
      })),
      vms: running,
      freeMemoryMiB: c.memoryMiB - used,
    };
  }
}
