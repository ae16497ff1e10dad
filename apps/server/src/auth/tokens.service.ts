// Bearer tokens: random secrets of which only the SHA-256 is stored, each with a role (admin
// or read). On start it makes sure an admin token exists: DISCO_ADMIN_TOKEN when set, else
// (first start only) a new one written to DISCO_DATA_DIR/admin-token, readable by the owner.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NewTokenView, TokenRole, TokenView } from '../../../../libs/protocol/src/index.js';
import { ApiException } from '../common/api-error.js';
import { newId } from '../common/ids.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/config.js';
import { PrismaService } from '../db/prisma.service.js';
import type { ApiToken } from '../db/generated/client.js';

/** Name of the token row that holds DISCO_ADMIN_TOKEN. */
const ENV_TOKEN_NAME = 'env-admin';
/** lastUsedAt is written at most this often per token. */
const TOUCH_MS = 60_000;

export interface Principal {
  tokenId: string;
  name: string;
  role: TokenRole;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function view(t: ApiToken): TokenView {
  return {
    id: t.id, name: t.name, role: t.role as TokenRole, prefix: t.prefix,
    createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class TokensService {
  private readonly log = new Logger('Tokens');
  private readonly touched = new Map<string, number>();
  /** Where the first admin token was written, when this start made it. */
  firstTokenFile: string | null = null;

  constructor(private readonly db: PrismaService, @Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  /** Make sure there is a way in (see the file comment). */
  async bootstrap(): Promise<void> {
    if (this.config.adminToken !== null) {
      const hash = hashToken(this.config.adminToken);
      const existing = await this.db.apiToken.findUnique({ where: { name: ENV_TOKEN_NAME } });
      if (existing?.hash !== hash) {
        await this.db.apiToken.deleteMany({ where: { OR: [{ name: ENV_TOKEN_NAME }, { hash }] } });
        await this.db.apiToken.create({
          data: { id: newId('tok'), name: ENV_TOKEN_NAME, role: 'admin', hash, prefix: this.config.adminToken.slice(0, 6) },
        });
      }
      return;
    }
    if ((await this.db.apiToken.count({ where: { role: 'admin' } })) > 0) return;
    const created = await this.create('admin', 'admin');
    const file = join(this.config.dataDir, 'admin-token');
    writeFileSync(file, created.token + '\n', { mode: 0o600 });
    this.firstTokenFile = file;
    this.log.log(`first start: created admin token "${created.name}", written to ${file}`);
  }

  async create(name: string, role: TokenRole): Promise<NewTokenView> {
    if (await this.db.apiToken.findUnique({ where: { name } })) throw ApiException.conflict(`a token named "${name}" exists`);
    const token = `disco_${randomBytes(24).toString('base64url')}`;
    const row = await this.db.apiToken.create({
      data: { id: newId('tok'), name, role, hash: hashToken(token), prefix: token.slice(0, 10) },
    });
    return { ...view(row), token };
  }

  async list(): Promise<TokenView[]> {
    return (await this.db.apiToken.findMany({ orderBy: { createdAt: 'asc' } })).map(view);
  }

  async remove(id: string, caller: Principal): Promise<void> {
    const row = await this.db.apiToken.findUnique({ where: { id } });
    if (row === null) throw ApiException.notFound('token', id);
    if (row.id === caller.tokenId) throw ApiException.conflict('a token cannot delete itself');
    await this.db.apiToken.delete({ where: { id } });
  }

  /** The principal of a presented token, or null. */
  async verify(token: string): Promise<Principal | null> {
    const row = await this.db.apiToken.findUnique({ where: { hash: hashToken(token) } });
    if (row === null) return null;
    const now = Date.now();
    if (now - (this.touched.get(row.id) ?? 0) > TOUCH_MS) {
      this.touched.set(row.id, now);
      await this.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
    }
    return { tokenId: row.id, name: row.name, role: row.role as TokenRole };
  }

  /** Whether an admin token file from an earlier first start is still there. */
  tokenFileHint(): string | null {
    const file = join(this.config.dataDir, 'admin-token');
    return existsSync(file) ? file : null;
  }
}
