// /api/tokens: list, create and revoke bearer tokens (admin for changes).
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../common/validation.js';
import { EventsService } from '../events/events.service.js';
import { Caller } from './principal.decorator.js';
import { CreateTokenDto, NewTokenDto, TokenDto } from './tokens.dto.js';
import { TokensService, type Principal } from './tokens.service.js';

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService, private readonly events: EventsService) {}

  @Get()
  @ApiOkResponse({ type: [TokenDto] })
  list(): Promise<TokenDto[]> {
    return this.tokens.list();
  }

  @Post()
  @ApiCreatedResponse({ type: NewTokenDto })
  async create(@Body() dto: CreateTokenDto, @Caller() caller: Principal): Promise<NewTokenDto> {
    const t = await this.tokens.create(dto.name, dto.role);
    await this.events.record(caller.name, 'token.created', { detail: { id: t.id, name: t.name, role: t.role } });
    return t;
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', IdPipe) id: string, @Caller() caller: Principal): Promise<void> {
    await this.tokens.remove(id, caller);
    await this.events.record(caller.name, 'token.deleted', { detail: { id } });
  }
}
