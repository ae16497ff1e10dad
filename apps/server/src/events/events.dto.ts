// GET /api/events query and response.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { EventView } from '../../../../libs/protocol/src/index.js';

export class EventQueryDto {
  @ApiPropertyOptional({ description: 'Only events of this VM' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'vmId must be an id' })
  vmId?: string;

  @ApiPropertyOptional({ description: 'Only events of this kind (e.g. vm.start)', example: 'run.ended' })
  @IsOptional()
  @Matches(/^[a-z.]{1,40}$/, { message: 'kind must be lower-case letters and dots' })
  kind?: string;

  @ApiPropertyOptional({ description: 'Page backwards: events with a smaller id' })
  @IsOptional()
  @Type(() => Number)
  @Min(1)
  @IsInt({ message: 'beforeId must be a whole number' })
  beforeId?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(500)
  limit?: number;
}

export class EventDto implements EventView {
  @ApiProperty() id!: number;
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'Token name, "system" or "guest"' }) actor!: string;
  @ApiProperty({ example: 'vm.start' }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) vmId!: string | null;
  @ApiProperty({ type: String, nullable: true }) runId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail!: Record<string, unknown>;
}
