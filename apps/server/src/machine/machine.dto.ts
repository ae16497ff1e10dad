// GET /api/machine and GET /api/images response bodies.
import { ApiProperty } from '@nestjs/swagger';
import { NUMA_MODES, VM_STATES, type CpuPlacement, type NumaMode, type ImageView, type MachineNodeView, type MachineView, type VmState } from '../../../../libs/protocol/src/index.js';

export class VmAllocationDto {
  @ApiProperty() vmId!: string;
  @ApiProperty({ description: 'Machine memory the VM has on this node now' }) memoryMiB!: number;
  @ApiProperty({ description: 'The VM\'s guest pages (4 KiB) on this node now (their master copies)' }) pages!: number;
  @ApiProperty({ description: 'NUMA replicas of the VM\'s pages held on this node now' }) replicaPages!: number;
}

export class MachineNodeDto implements MachineNodeView {
  @ApiProperty() node!: number;
  @ApiProperty({ type: [Number] }) cpus!: number[];
  @ApiProperty() memoryMiB!: number;
  @ApiProperty({ description: 'Memory reserved by running VMs whose home is this node' }) vmMemoryMiB!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The monitor\'s own memory on this node (special pages, L2TLB tables); null before the worker\'s first report' })
  monitorMemoryMiB!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Machine memory free on this node now' }) freeMiB!: number | null;
  @ApiProperty({ type: [VmAllocationDto], description: 'Memory each running VM has on this node now (first touch), with its replica pages here' }) vmAllocations!: VmAllocationDto[];
  @ApiProperty({ type: Number, nullable: true, description: 'NUMA replica pages on this node now (null before the worker\'s first report)' }) replicaPages!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Local share of the cache misses of this node\'s CPUs since the machine started (timed mode; null: none counted)' }) localMissRatio!: number | null;
}

export class CpuPlacementDto implements CpuPlacement {
  @ApiProperty() cpu!: number;
  @ApiProperty() node!: number;
  @ApiProperty({ type: String, nullable: true, description: 'VM whose vCPU is loaded on the CPU' }) vmId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) vcpu!: number | null;
  @ApiProperty({ description: 'Percent of the last second spent running a vCPU' }) busyPct!: number;
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
  @ApiProperty({ enum: NUMA_MODES, description: 'NUMA page placement: disco (migration and replication), autonuma (migration only), off (always in fast mode); DISCO_NUMA' }) numa!: NumaMode;
  @ApiProperty({ description: '"disco": every VM under the Disco monitor on this machine' }) backend!: string;
  @ApiProperty({ type: [MachineNodeDto] }) nodeList!: MachineNodeDto[];
  @ApiProperty({ type: [CpuPlacementDto] }) cpuList!: CpuPlacementDto[];
  @ApiProperty({ type: [MachineVmDto], description: 'VMs that are not stopped' }) vms!: MachineVmDto[];
  @ApiProperty({ description: 'Memory not reserved by running VMs' }) freeMemoryMiB!: number;
}

export class ImageDto implements ImageView {
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
