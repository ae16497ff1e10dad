// Request and response bodies of /api/vms. Every field is validated (class-validator) and
// documented (@nestjs/swagger); limits that depend on the machine (CPUs, memory, nodes) are
// checked by VmsService against its configuration.
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MACHINE } from '../../../../../libs/machine/src/board/memory-map.js';
import { VM_STATES, type NetAddress, type VmDiskView, type VmState, type VmView } from '../../../../../libs/protocol/src/index.js';

export const VM_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** Smallest memory the guest kernel boots in comfortably. */
export const MIN_VM_MEMORY_MIB = 8;

export class CreateVmDto {
  @ApiProperty({ description: 'Unique name: a lower-case letter, then up to 31 lower-case letters, digits, dashes', example: 'web-1' })
  @Matches(VM_NAME, { message: 'name must be a lower-case letter followed by up to 31 lower-case letters, digits or dashes' })
  @IsString({ message: 'name must be a string' })
  name!: string;

  @ApiProperty({ minimum: 1, maximum: MACHINE.MAX_CPUS, description: 'Virtual CPUs (at most the machine\'s CPU count)', example: 2 })
  @Min(1, { message: 'vcpus must be at least 1' })
  @Max(MACHINE.MAX_CPUS, { message: `vcpus must be at most ${MACHINE.MAX_CPUS}` })
  @IsInt({ message: 'vcpus must be a whole number' })
  vcpus!: number;

  @ApiProperty({ minimum: MIN_VM_MEMORY_MIB, maximum: 496, description: 'Memory in MiB (at most the machine\'s memory)', example: 32 })
  @Min(MIN_VM_MEMORY_MIB, { message: `memoryMiB must be at least ${MIN_VM_MEMORY_MIB}` })
  @Max(496, { message: 'memoryMiB must be at most 496' })
  @IsInt({ message: 'memoryMiB must be a whole number' })
  memoryMiB!: number;

  @ApiPropertyOptional({ description: 'Kernel image (GET /api/images)', default: 'kernel-disco' })
  @IsOptional()
  @MaxLength(64)
  @IsString({ message: 'kernel must be a string' })
  kernel?: string;

  @ApiPropertyOptional({ description: 'Kernel command line (init=PATH, strace, strace=err)', default: '', maxLength: 255 })
  @IsOptional()
  @MaxLength(255, { message: 'cmdline must be at most 255 characters' })
  @Matches(/^[\x20-\x7e]*$/, { message: 'cmdline must be printable ASCII' })
  @IsString({ message: 'cmdline must be a string' })
  cmdline?: string;

  @ApiPropertyOptional({ description: 'NUMA node for the VM\'s memory and vCPUs (below the machine\'s node count)', default: 0 })
  @IsOptional()
  @Min(0, { message: 'homeNode must be at least 0' })
  @IsInt({ message: 'homeNode must be a whole number' })
  homeNode?: number;

  @ApiPropertyOptional({ description: 'Start with the server', default: false })
  @IsOptional()
  @IsBoolean({ message: 'autostart must be true or false' })
  autostart?: boolean;

  @ApiPropertyOptional({ description: 'Typed into the console once the first shell prompt appears', default: '', maxLength: 4096 })
  @IsOptional()
  @MaxLength(4096, { message: 'bootScript must be at most 4096 characters' })
  @IsString({ message: 'bootScript must be a string' })
  bootScript?: string;

  @ApiPropertyOptional({ description: 'Base image the VM\'s persistent root disk is copied from (GET /api/images)', default: 'rootfs' })
  @IsOptional()
  @IsString({ message: 'rootImage must be a string' })
  @MaxLength(64)
  rootImage?: string;
}

export class UpdateVmDto extends PartialType(OmitType(CreateVmDto, ['rootImage'] as const)) {}

export class VmDiskDto implements VmDiskView {
  @ApiProperty({ description: 'Controller slot (0: root disk)' }) slot!: number;
  @ApiProperty() diskId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['base', 'persistent'] }) kind!: 'base' | 'persistent';
  @ApiProperty() sizeBytes!: number;
}

export class NetAddressDto implements NetAddress {
  @ApiProperty({ description: 'Station number on the virtual subnet (what `mount -t dnfs STATION:/dir` names)' }) station!: number;
  @ApiProperty({ description: 'Link address', example: '02:44:49:53:00:01' }) mac!: string;
}

export class VmDto implements VmView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() vcpus!: number;
  @ApiProperty() memoryMiB!: number;
  @ApiProperty() kernel!: string;
  @ApiProperty() cmdline!: string;
  @ApiProperty() homeNode!: number;
  @ApiProperty() autostart!: boolean;
  @ApiProperty() bootScript!: string;
  @ApiProperty({ type: [VmDiskDto] }) disks!: VmDiskDto[];
  @ApiProperty({ enum: VM_STATES }) state!: VmState;
  @ApiProperty({ type: NetAddressDto, nullable: true, description: 'The VM\'s station on the monitor\'s virtual subnet while it runs (null when stopped)' }) net!: NetAddressDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'The open run while the VM is not stopped' }) runId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the open run started (ISO 8601)' }) runStartedAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}
