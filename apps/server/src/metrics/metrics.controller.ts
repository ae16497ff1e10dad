// GET /api/vms/:id/metrics: the live sample and the history between from and to, per step.
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiException } from '../common/api-error.js';
import { IdPipe } from '../common/validation.js';
import { VmRuntime } from '../vms/vm-runtime.service.js';
import { VmsService } from '../vms/vms.service.js';
import { MetricsDto, MetricsQueryDto } from './metrics.dto.js';
import { MetricsService } from './metrics.service.js';

const MAX_POINTS = 5000;

@ApiTags('metrics')
@ApiBearerAuth()
@Controller('vms')
export class MetricsController {
  constructor(private readonly metrics: MetricsService, private readonly vms: VmsService, private readonly runtime: VmRuntime) {}

  @Get(':id/metrics')
  @ApiOkResponse({ type: MetricsDto })
  @ApiNotFoundResponse()
  async get(@Param('id', IdPipe) id: string, @Query() q: MetricsQueryDto): Promise<MetricsDto> {
    await this.vms.row(id);
    const now = Date.now();
    const to = q.to !== undefined ? Date.parse(q.to) : now;
    const from = q.from !== undefined ? Date.parse(q.from) : to - 600_000;
    const step = q.step ?? 1;
    if (from >= to) throw ApiException.field('from', 'from must be before to');
    if ((to - from) / 1000 / step > MAX_POINTS) throw ApiException.field('step', `at most ${MAX_POINTS} points: use a step of at least ${Math.ceil((to - from) / 1000 / MAX_POINTS)} s`);
    const history = await this.metrics.history(id, from, to, step, now);
    return { live: this.runtime.latestSample(id), ...history };
  }
}
