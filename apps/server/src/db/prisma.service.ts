// The only door to the database: a Prisma client on the SQLite file through the better-sqlite3
// driver adapter. The schema is migrated before the client connects (db/migrate.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { SERVER_CONFIG, type ServerConfig } from '../config/config.js';
import { repoRoot } from '../config/paths.js';
import { PrismaClient } from './generated/client.js';
import { migrate, readMigrations } from './migrate.js';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('Database');
  readonly file: string;

  constructor(@Inject(SERVER_CONFIG) config: ServerConfig) {
    mkdirSync(config.dataDir, { recursive: true });
    const file = join(config.dataDir, 'disco.db');
    const applied = migrate(file, readMigrations(join(repoRoot(), 'prisma', 'migrations')));
    super({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
    this.file = file;
    if (applied.length > 0) this.log.log(`${file}: applied migrations ${applied.join(', ')}`);
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  /** Last of all at shutdown: runs are closed before (VmRuntime.onModuleDestroy). */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
