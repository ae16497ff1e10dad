// Runs: GET /api/vms/:id/runs (newest first) and GET /api/runs/:runId (with its console log).
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../common/validation.js';
import { ConsoleService } from '../console/console.service.js';
import { VmsService } from '../vms/vms.service.js';
import { RunDto, RunListQueryDto, RunWithConsoleDto } from './runs.dto.js';
import { runView, RunsService } from './runs.service.js';

@ApiTags('runs')
@ApiBearerAuth()
@Controller()
export class RunsController {
  constructor(private readonly runs: RunsService, private readonly vms: VmsService, private readonly console: ConsoleService) {}

  @Get('vms/:id/runs')
  @ApiOkResponse({ type: [RunDto] })
  @ApiNotFoundResponse()
  async list(@Param('id', IdPipe) id: string, @Query() q: RunListQueryDto): Promise<RunDto[]> {
    await this.vms.row(id);
    return this.runs.list(id, q.limit ?? 50);
  }

  @Get('runs/:runId')
  @ApiOkResponse({ type: RunWithConsoleDto })
  @ApiNotFoundResponse()
  async get(@Param('runId', IdPipe) runId: string): Promise<RunWithConsoleDto> {
    const run = await this.runs.get(runId);
    const log = await this.console.runLog(runId);
    return { ...runView(run), console: log.toString('latin1') };
  }
}
