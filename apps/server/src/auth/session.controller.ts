// GET /api/session: which token the request used (any role), so clients need not guess it
// from the token list.
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { SessionView, TokenRole } from '../../../../libs/protocol/src/index.js';
import { Caller } from './principal.decorator.js';
import type { Principal } from './tokens.service.js';

export class SessionDto implements SessionView {
  @ApiProperty({ description: 'The token\'s id (as in GET /api/tokens)' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['admin', 'read'] }) role!: TokenRole;
}

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('session')
export class SessionController {
  @Get()
  @ApiOkResponse({ type: SessionDto })
  get(@Caller() caller: Principal): SessionDto {
    return { id: caller.tokenId, name: caller.name, role: caller.role };
  }
}
