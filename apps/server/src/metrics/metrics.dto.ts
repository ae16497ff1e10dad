// GET /api/vms/:id/metrics: query and response.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import type { HistoryPointView, MetricSample, MetricsView, MonitorCounters, MonitorGauges } from '../../../../libs/protocol/src/index.js';

export class MetricsQueryDto {
  @ApiPropertyOptional({ description: 'Start (ISO 8601); default 10 minutes before `to`', example: '2026-12-02T08:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'End (ISO 8601); default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional({ description: 'Seconds per point (raised to the step of the tier that holds `from`)', minimum: 1, maximum: 86400, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @Min(1, { message: 'step must be at least 1' })
  @Max(86400, { message: 'step must be at most 86400' })
  @IsInt({ message: 'step must be a whole number of seconds' })
  step?: number;
}

export class MonitorCountersDto implements MonitorCounters {
  @ApiProperty({ description: 'vCPU cycles in guest user mode' }) cyclesUser!: number;
  @ApiProperty({ description: 'vCPU cycles in the guest kernel (supervisor mode)' }) cyclesKernel!: number;
  @ApiProperty({ description: 'Monitor work charged to the VM (cost table), in cycles' }) cyclesMonitor!: number;
  @ApiProperty({ description: 'vCPU cycles waiting for an interrupt' }) cyclesIdle!: number;
  @ApiProperty({ description: 'TLB refills the monitor took (L2TLB hits, virtual-TLB hits, reflected refills, sseg and special-page fills)' }) tlbMisses!: number;
  @ApiProperty({ description: 'TLB misses answered from the monitor\'s L2TLB' }) l2tlbHits!: number;
  @ApiProperty({ description: 'Exceptions that entered the monitor' }) traps!: number;
  @ApiProperty({ description: 'Cache misses served by the local node (timed mode; 0 otherwise)' }) cacheLocalMisses!: number;
  @ApiProperty({ description: 'Cache misses served by a remote node (timed mode; 0 otherwise)' }) cacheRemoteMisses!: number;
  @ApiProperty({ description: 'Disk read and write commands' }) diskCommands!: number;
  @ApiProperty({ description: 'Disk sectors read and written' }) diskSectors!: number;
  @ApiProperty({ description: 'Console bytes written by the guest' }) consoleBytesOut!: number;
  @ApiProperty({ description: 'Console bytes read by the guest' }) consoleBytesIn!: number;
  @ApiProperty({ description: 'NUMA: hot-page notifications the monitor handled (timed mode, policy on)' }) numaHotPages!: number;
  @ApiProperty({ description: 'NUMA: pages migrated to the node that missed on them' }) numaMigrations!: number;
  @ApiProperty({ description: 'NUMA: pages replicated on a node that read them' }) numaReplications!: number;
  @ApiProperty({ description: 'NUMA: replicated pages collapsed back to one copy by a write' }) numaCollapses!: number;
  @ApiProperty({ description: 'Guest pages remapped onto another page\'s machine page (network page remaps, disk cache)' }) pagesRemapped!: number;
  @ApiProperty({ description: 'Copy-on-write faults that copied a shared page' }) cowCopies!: number;
  @ApiProperty({ description: 'Virtual subnet: frames the VM sent' }) netFramesSent!: number;
  @ApiProperty({ description: 'Virtual subnet: frames delivered to the VM' }) netFramesReceived!: number;
  @ApiProperty({ description: 'Virtual subnet: bytes copied into the VM by frames' }) netBytesCopied!: number;
  @ApiProperty({ description: 'Virtual subnet: bytes remapped (whole pages) into the VM by frames' }) netBytesRemapped!: number;
  @ApiProperty({ description: 'Virtual subnet: frames dropped (to the VM: no buffer, too big; by it: no such station)' }) netDrops!: number;
}

export class MonitorGaugesDto implements MonitorGauges {
  @ApiProperty({ description: 'NUMA replica pages the VM has now, all nodes' }) replicaPages!: number;
  @ApiProperty({ description: 'Guest pages of the VM mapping a shared machine page now (copy-on-write)' }) sharedPages!: number;
}

export class LiveSampleDto implements MetricSample {
  @ApiProperty() vmId!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ description: 'End of the interval, ms since the epoch' }) at!: number;
  @ApiProperty() intervalMs!: number;
  @ApiProperty() instructions!: number;
  @ApiProperty() cycles!: number;
  @ApiProperty() hostMs!: number;
  @ApiProperty({ description: 'Guest million instructions per host second' }) mips!: number;
  @ApiProperty({ type: MonitorCountersDto, description: 'The monitor\'s counters over the interval' }) counters!: MonitorCountersDto;
  @ApiProperty({ type: MonitorGaugesDto, description: 'The monitor\'s gauges at the end of the interval' }) gauges!: MonitorGaugesDto;
  @ApiProperty({ type: Number, nullable: true, description: 'Local share of the interval\'s cache misses (null: none counted)' }) localMissRatio!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'The run so far: instructions, cycles, hostMs, boots' })
  totals!: { instructions: number; cycles: number; hostMs: number; boots: number };
}

export class HistoryPointDto implements HistoryPointView {
  @ApiProperty({ description: 'Start of the interval' }) at!: string;
  @ApiProperty() instructions!: number;
  @ApiProperty() cycles!: number;
  @ApiProperty() hostMs!: number;
  @ApiProperty() mips!: number;
  @ApiProperty({ type: MonitorCountersDto, description: 'Sums over the interval' }) counters!: MonitorCountersDto;
  @ApiProperty({ type: MonitorGaugesDto, description: 'Values at the end of the interval (its last sample)' }) gauges!: MonitorGaugesDto;
  @ApiProperty({ type: Number, nullable: true, description: 'Local share of the interval\'s cache misses (null: none counted)' }) localMissRatio!: number | null;
}

export class MetricsDto implements MetricsView {
  @ApiProperty({ type: LiveSampleDto, nullable: true, description: 'The latest sample while the VM runs' }) live!: LiveSampleDto | null;
  @ApiProperty() stepSeconds!: number;
  @ApiProperty({ description: 'Tier the history comes from: 1 (kept an hour), 60 (a week), 3600 (a year)' }) tierSeconds!: number;
  @ApiProperty({ type: [HistoryPointDto], description: 'Intervals with samples, in time order' }) points!: HistoryPointDto[];
}
