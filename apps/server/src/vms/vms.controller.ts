// /api/vms: VM definitions and their actions. Thin: validation by the DTOs, work in VmsService.
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags,
} from '@nestjs/swagger';
import type { VmAction } from '../../../../libs/protocol/src/index.js';
import { Caller } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/tokens.service.js';
import { IdPipe } from '../common/validation.js';
import { CreateVmDto, UpdateVmDto, VmDto } from './dto/vm.dto.js';
import { VmsService } from './vms.service.js';

@ApiTags('vms')
@ApiBearerAuth()
@Controller('vms')
export class VmsController {
  constructor(private readonly vms: VmsService) {}

  @Get()
  @ApiOkResponse({ type: [VmDto] })
  list(): Promise<VmDto[]> {
    return this.vms.list();
  }

  @Post()
  @ApiCreatedResponse({ type: VmDto })
  @ApiConflictResponse({ description: 'The name is taken' })
  create(@Body() dto: CreateVmDto, @Caller() caller: Principal): Promise<VmDto> {
    return this.vms.create(dto, caller.name);
  }

  @Get(':id')
  @ApiOkResponse({ type: VmDto })
  @ApiNotFoundResponse()
  get(@Param('id', IdPipe) id: string): Promise<VmDto> {
    return this.vms.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: VmDto })
  @ApiConflictResponse({ description: 'The VM is not stopped, or the new name is taken' })
  update(@Param('id', IdPipe) id: string, @Body() dto: UpdateVmDto, @Caller() caller: Principal): Promise<VmDto> {
    return this.vms.update(id, dto, caller.name);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The VM is not stopped' })
  async remove(@Param('id', IdPipe) id: string, @Caller() caller: Principal): Promise<void> {
    await this.vms.remove(id, caller.name);
  }

  private act(id: string, action: VmAction, caller: Principal): Promise<VmDto> {
    return this.vms.action(id, action, caller.name);
  }

  @Post(':id/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Power on (a new run)' })
  @ApiOkResponse({ type: VmDto })
  @ApiConflictResponse({ description: 'Not stopped, or not enough free memory' })
  start(@Param('id', IdPipe) id: string, @Caller() c: Principal): Promise<VmDto> {
    return this.act(id, 'start', c);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Power off at once (the run ends as stopped)' })
  @ApiOkResponse({ type: VmDto })
  @ApiConflictResponse({ description: 'Already stopped' })
  stop(@Param('id', IdPipe) id: string, @Caller() c: Principal): Promise<VmDto> {
    return this.act(id, 'stop', c);
  }

  @Post(':id/shutdown')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ask the guest to power off; stopped after DISCO_SHUTDOWN_TIMEOUT_MS if it does not' })
  @ApiOkResponse({ type: VmDto })
  @ApiConflictResponse({ description: 'Not running' })
  shutdown(@Param('id', IdPipe) id: string, @Caller() c: Principal): Promise<VmDto> {
    return this.act(id, 'shutdown', c);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOkResponse({ type: VmDto })
  @ApiConflictResponse({ description: 'Not running' })
  pause(@Param('id', IdPipe) id: string, @Caller() c: Principal): Promise<VmDto> {
    return this.act(id, 'pause', c);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: VmDto })
  @ApiConflictResponse({ description: 'Not paused' })
  resume(@Param('id', IdPipe) id: string, @Caller() c: Principal): Promise<VmDto> {
    return this.act(id, 'resume', c);
  }

  @Post(':id/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hardware reset: the guest boots again in the same run' })
  @ApiOkResponse({ type: VmDto })
  @ApiConflictResponse({ description: 'Not running or paused' })
  reset(@Param('id', IdPipe) id: string, @Caller() c: Principal): Promise<VmDto> {
    return this.act(id, 'reset', c);
  }
}
