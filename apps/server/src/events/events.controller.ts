// GET /api/events: the audit log, newest first.
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EventDto, EventQueryDto } from './events.dto.js';
import { EventsService } from './events.service.js';

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @ApiOkResponse({ type: [EventDto] })
  list(@Query() q: EventQueryDto): Promise<EventDto[]> {
    return this.events.list({ ...q, limit: q.limit ?? 100 });
  }
}
