// The audit log: who did what, when (operators by token name, "system", "guest").
import { Injectable } from '@nestjs/common';
import type { EventView } from '../../../../libs/protocol/src/index.js';
import { PrismaService } from '../db/prisma.service.js';
import type { Event } from '../db/generated/client.js';

export interface EventQuery {
  vmId?: string;
  kind?: string;
  beforeId?: number;
  limit: number;
}

function view(e: Event): EventView {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(e.detail) as Record<string, unknown>;
  } catch {
    detail = { raw: e.detail };
  }
  return { id: e.id, at: e.at.toISOString(), actor: e.actor, kind: e.kind, vmId: e.vmId, runId: e.runId, detail };
}

@Injectable()
export class EventsService {
  constructor(private readonly db: PrismaService) {}

  async record(actor: string, kind: string, opts: { vmId?: string; runId?: string; detail?: Record<string, unknown> } = {}): Promise<void> {
    await this.db.event.create({
      data: { actor, kind, vmId: opts.vmId ?? null, runId: opts.runId ?? null, detail: JSON.stringify(opts.detail ?? {}) },
    });
  }

  /** Newest first. */
  async list(q: EventQuery): Promise<EventView[]> {
    const rows = await this.db.event.findMany({
      where: {
        ...(q.vmId !== undefined ? { vmId: q.vmId } : {}),
        ...(q.kind !== undefined ? { kind: q.kind } : {}),
        ...(q.beforeId !== undefined ? { id: { lt: q.beforeId } } : {}),
      },
      orderBy: { id: 'desc' },
      take: q.limit,
    });
    return rows.map(view);
  }
}
