// GET /api/machine (topology and where running VMs sit), /api/images, /api/disks.
import { statSync } from 'node:fs';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { kernelImages } from '../config/paths.js';
import { DisksService } from '../disks/disks.service.js';
import { VmRuntime } from '../vms/vm-runtime.service.js';
import { VmsService } from '../vms/vms.service.js';
import { DiskDto, ImageDto, MachineDto } from './machine.dto.js';
import { MachineService } from './machine.service.js';
import { WorkerHost } from './worker-host.service.js';

@ApiTags('machine')
@ApiBearerAuth()
@Controller()
export class MachineController {
  constructor(
    private readonly machine: MachineService,
    private readonly host: WorkerHost,
    private readonly vms: VmsService,
    private readonly disks: DisksService,
    private readonly runtime: VmRuntime,
  ) {}

  @Get('machine')
  @ApiOkResponse({ type: MachineDto })
  async get(): Promise<MachineDto> {
    return this.machine.view(this.host.backend, await this.vms.running(), this.runtime.machine);
  }

  @Get('images')
  @ApiOkResponse({ type: [ImageDto] })
  async images(): Promise<ImageDto[]> {
    const kernels = Object.entries(kernelImages()).map(([name, path]) => ({ name, kind: 'kernel' as const, sizeBytes: statSync(path).size }));
    const bases = (await this.disks.bases()).map((d) => ({ name: d.name, kind: 'base-disk' as const, sizeBytes: d.sizeBytes }));
    return [...kernels, ...bases];
  }

  @Get('disks')
  @ApiOkResponse({ type: [DiskDto] })
  async list(): Promise<DiskDto[]> {
    return (await this.disks.list()).map((d) => ({ id: d.id, name: d.name, kind: d.kind, sizeBytes: d.sizeBytes, baseId: d.baseId, createdAt: d.createdAt.toISOString() }));
  }
}
