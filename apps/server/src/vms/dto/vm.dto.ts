// Request and response bodies of /api/vms. Every field is validated (class-validator) and
// documented (@nestjs/swagger); limits that depend on the machine (CPUs, memory, nodes) are
// checked by VmsService against its configuration.
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { MACHINE } from '../../../../../libs/machine/src/board/memory-map.js';
import { DISK_MODES, VM_STATES, type DiskMode, type NetAddress, type VmDiskView, type VmState, type VmView } from '../../../../../libs/protocol/src/index.js';

export const VM_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** Smallest memory the guest kernel boots in comfortably. */
export const MIN_VM_MEMORY_MIB = 8;

/** One disk of a new VM: the slot, how the monitor runs it, and which image. */
export class VmDiskRequestDto {
  @ApiProperty({ minimum: 0, maximum: 3, description: 'Controller slot (0: the root disk, required)' })
  @Min(0, { message: 'slot must be 0 to 3' })
  @Max(3, { message: 'slot must be 0 to 3' })
  @IsInt({ message: 'slot must be a whole number' })
  slot!: number;

  @ApiProperty({ enum: DISK_MODES, description: 'private: its own image file (persistent; one running VM at a time); cow: copy-on-write over a base image, changes dropped at power-off; cow-persistent: over a base image, changes kept in the VM\'s overlay file' })
  @IsIn(DISK_MODES, { message: `mode must be one of: ${DISK_MODES.join(', ')}` })
  mode!: DiskMode;

  @ApiPropertyOptional({ description: 'A base image (GET /api/images): required for cow and cow-persistent; for private, the image a new private disk is copied from (give this or `disk`)', example: 'rootfs' })
  @IsOptional()
  @MaxLength(64, { message: 'base must be at most 64 characters' })
  @IsString({ message: 'base must be a string' })
  base?: string;

  @ApiPropertyOptional({ description: 'private only: an existing persistent disk to attach (GET /api/disks), instead of a new copy of `base`' })
  @IsOptional()
  @MaxLength(64, { message: 'disk must be at most 64 characters' })
  @IsString({ message: 'disk must be a string' })
  disk?: string;
}

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

  @ApiPropertyOptional({ type: [VmDiskRequestDto], description: 'The VM\'s disks (instead of `rootImage`; default: a private copy of rootfs at slot 0)' })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => VmDiskRequestDto)
  @ArrayMaxSize(4, { message: 'disks must have at most 4 entries (slots 0 to 3)' })
  @ArrayMinSize(1, { message: 'disks must have at least the root disk (slot 0)' })
  @IsArray({ message: 'disks must be an array' })
  disks?: VmDiskRequestDto[];
}

export class UpdateVmDto extends PartialType(OmitType(CreateVmDto, ['rootImage', 'disks'] as const)) {}

export class OverlayDto {
  @ApiProperty({ description: 'File under DISCO_DATA_DIR/overlays' }) file!: string;
  @ApiProperty({ description: 'Bytes now (0 before the first run)' }) sizeBytes!: number;
}

export class VmDiskDto implements VmDiskView {
  @ApiProperty({ description: 'Controller slot (0: root disk)' }) slot!: number;
  @ApiProperty() diskId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['base', 'persistent'] }) kind!: 'base' | 'persistent';
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ enum: DISK_MODES, description: 'private (the image itself, persistent), cow (over the base image, changes dropped at power-off), cow-persistent (changes kept in the overlay)' }) mode!: DiskMode;
  @ApiProperty({ type: OverlayDto, nullable: true, description: 'cow-persistent: the VM\'s overlay file' }) overlay!: OverlayDto | null;
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
