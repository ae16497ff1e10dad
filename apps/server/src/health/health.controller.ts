// GET /api/health: no token needed; says whether the worker and the database are up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { HealthView } from '../../../../libs/protocol/src/index.js';
import { Public } from '../auth/auth.guard.js';
import { repoRoot } from '../config/paths.js';
import { PrismaService } from '../db/prisma.service.js';
import { WorkerHost } from '../machine/worker-host.service.js';

const VERSION = (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
const STARTED = Date.now();

export class HealthDto implements HealthView {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty() version!: string;
  @ApiProperty() uptimeSeconds!: number;
  @ApiProperty({ enum: ['ready', 'starting', 'down'] }) worker!: 'ready' | 'starting' | 'down';
  @ApiProperty({ enum: ['ok'] }) database!: 'ok';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly host: WorkerHost, private readonly db: PrismaService) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: HealthDto })
  async get(): Promise<HealthDto> {
    await this.db.machineConfig.count();
    return {
      status: this.host.state === 'ready' ? 'ok' : 'degraded', version: VERSION,
      uptimeSeconds: Math.round((Date.now() - STARTED) / 1000), worker: this.host.state, database: 'ok',
    };
  }
}
