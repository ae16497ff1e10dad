// Runs: one row per power-on of a VM, opened at start and closed with its exit reason, the
// guest's exit code and the counters. Runs still open at start were cut short by a crash of
// the server: they are closed as aborted.
import { Injectable } from '@nestjs/common';
import type { ExitReason, RunCounters, RunView } from '../../../../libs/protocol/src/index.js';
import { ApiException } from '../common/api-error.js';
import { newId } from '../common/ids.js';
import { PrismaService } from '../db/prisma.service.js';
import type { Run } from '../db/generated/client.js';

export function runView(r: Run): RunView {
  return {
    id: r.id, vmId: r.vmId, startedAt: r.startedAt.toISOString(), endedAt: r.endedAt?.toISOString() ?? null,
    exitReason: r.exitReason as ExitReason | null, exitCode: r.exitCode, detail: r.detail,
    counters: { instructions: Number(r.instructions), cycles: Number(r.cycles), hostMs: r.hostMs, boots: r.boots },
    consoleBytes: r.consoleBytes, consoleTruncated: r.consoleTruncated,
  };
}

export interface RunEnd {
  reason: ExitReason;
  exitCode: number | null;
  detail: string | null;
  totals: RunCounters;
  consoleBytes: number;
  consoleTruncated: boolean;
}

@Injectable()
export class RunsService {
  constructor(private readonly db: PrismaService) {}

  async open(vmId: string): Promise<Run> {
    return this.db.run.create({ data: { id: newId('run'), vmId } });
  }

  async end(runId: string, end: RunEnd): Promise<void> {
    await this.db.run.updateMany({
      where: { id: runId, endedAt: null },
      data: {
        endedAt: new Date(), exitReason: end.reason, exitCode: end.exitCode, detail: end.detail,
        instructions: BigInt(Math.round(end.totals.instructions)), cycles: BigInt(Math.round(end.totals.cycles)),
        hostMs: Math.round(end.totals.hostMs), boots: end.totals.boots,
        consoleBytes: end.consoleBytes, consoleTruncated: end.consoleTruncated,
      },
    });
  }

  /** Close runs left open by a server that did not stop cleanly; returns them. */
  async abortOpen(): Promise<Run[]> {
    const open = await this.db.run.findMany({ where: { endedAt: null } });
    for (const r of open) {
      const last = await this.db.consoleChunk.findFirst({ where: { runId: r.id }, orderBy: { seq: 'desc' } });
      await this.db.run.update({
        where: { id: r.id },
        data: {
          endedAt: new Date(), exitReason: 'aborted', detail: 'the server stopped while the run was open',
          consoleBytes: last === null ? 0 : last.offset + last.data.length,
        },
      });
    }
    return open;
  }

  async list(vmId: string, limit: number): Promise<RunView[]> {
    const rows = await this.db.run.findMany({ where: { vmId }, orderBy: { startedAt: 'desc' }, take: limit });
    return rows.map(runView);
  }

  async get(runId: string): Promise<Run> {
    const r = await this.db.run.findUnique({ where: { id: runId } });
    if (r === null) throw ApiException.notFound('run', runId);
    return r;
  }

  async latest(vmId: string): Promise<Run | null> {
    return this.db.run.findFirst({ where: { vmId }, orderBy: { startedAt: 'desc' } });
  }
}
