// GET /api/machine and GET /api/images response bodies.
import { ApiProperty } from '@nestjs/swagger';
import { VM_STATES, type MachineView, type VmState } from '../../../../libs/protocol/src/index.js';

export class MachineNodeDto {
  @ApiProperty() node!: number;
  @ApiProperty({ type: [Number] }) cpus!: number[];
  @ApiProperty() memoryMiB!: number;
  @ApiProperty({ description: 'Memory of running VMs whose home is this node' }) vmMemoryMiB!: number;
}

export class MachineVmDto {
  @ApiProperty() vmId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: VM_STATES }) state!: VmState;
  @ApiProperty() vcpus!: number;
  @ApiProperty() memoryMiB!: number;
  @ApiProperty() homeNode!: number;
}

export class MachineDto implements MachineView {
  @ApiProperty() cpus!: number;
  @ApiProperty() nodes!: number;
  @ApiProperty() memoryMiB!: number;
  @ApiProperty() timed!: boolean;
  @ApiProperty({ description: '"bare": interim, each VM on its own bare machine until the Disco monitor lands' }) backend!: string;
  @ApiProperty({ type: [MachineNodeDto] }) nodeList!: MachineNodeDto[];
  @ApiProperty({ type: [MachineVmDto], description: 'VMs that are not stopped' }) vms!: MachineVmDto[];
  @ApiProperty() freeMemoryMiB!: number;
}

export class ImageDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['kernel', 'base-disk'] }) kind!: 'kernel' | 'base-disk';
  @ApiProperty() sizeBytes!: number;
}

export class DiskDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['base', 'persistent'] }) kind!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ type: String, nullable: true }) baseId!: string | null;
  @ApiProperty() createdAt!: string;
}
