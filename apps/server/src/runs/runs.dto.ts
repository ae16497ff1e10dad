// Runs' response bodies and the list query.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { EXIT_REASONS, type ExitReason, type RunCounters, type RunView, type RunWithConsoleView } from '../../../../libs/protocol/src/index.js';

export class RunCountersDto implements RunCounters {
  @ApiProperty() instructions!: number;
  @ApiProperty({ description: 'Emulated cycles (the VM\'s time)' }) cycles!: number;
  @ApiProperty({ description: 'Host milliseconds spent running it' }) hostMs!: number;
  @ApiProperty({ description: '1 + resets' }) boots!: number;
}

export class RunDto implements RunView {
  @ApiProperty() id!: string;
  @ApiProperty() vmId!: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ type: String, nullable: true }) endedAt!: string | null;
  @ApiProperty({ enum: EXIT_REASONS, nullable: true }) exitReason!: ExitReason | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The guest\'s power-off code' }) exitCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) detail!: string | null;
  @ApiProperty({ type: RunCountersDto, description: 'Final for ended runs; 0 while open' }) counters!: RunCountersDto;
  @ApiProperty() consoleBytes!: number;
  @ApiProperty({ description: 'The stored console log stops at 4 MiB' }) consoleTruncated!: boolean;
}

export class RunWithConsoleDto extends RunDto implements RunWithConsoleView {
  @ApiProperty({ description: 'Console output, one character per byte (latin-1)' }) console!: string;
}

export class RunListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(200, { message: 'limit must be at most 200' })
  limit?: number;
}
