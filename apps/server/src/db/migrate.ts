// Applies the committed SQL migrations (prisma/migrations/<name>/migration.sql, in name order)
// to the SQLite database at start. Each runs in a transaction and is recorded with its SHA-256
// in `_disco_migrations`; an applied migration whose file changed, or an applied migration
// that no longer exists, stops the server with a clear message instead of guessing.
// (Why not `prisma migrate deploy`: it needs Prisma's native engine, a download; see
// docs/server.md "Database".)
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`migrations directory ${dir} is missing`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const file = join(dir, name, 'migration.sql');
      if (!existsSync(file)) throw new MigrationError(`migration ${name} has no migration.sql`);
      const sql = readFileSync(file, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Apply what is missing; returns the names applied now. */
export function migrate(dbFile: string, migrations: Migration[]): string[] {
  const db = new Database(dbFile);
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS "_disco_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)');
    const applied = new Map(
      (db.prepare('SELECT name, checksum FROM "_disco_migrations"').all() as { name: string; checksum: string }[]).map((r) => [r.name, r.checksum]),
    );
    const known = new Set(migrations.map((m) => m.name));
    for (const name of applied.keys()) {
      if (!known.has(name)) throw new MigrationError(`the database has migration ${name}, which this version does not know (a newer server made it?)`);
    }
    const done: string[] = [];
    for (const m of migrations) {
      const sum = applied.get(m.name);
      if (sum !== undefined) {
        if (sum !== m.checksum) throw new MigrationError(`migration ${m.name} was changed after it was applied to ${dbFile}`);
        continue;
      }
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO "_disco_migrations" (name, checksum, appliedAt) VALUES (?, ?, ?)').run(m.name, m.checksum, new Date().toISOString());
      })();
      done.push(m.name);
    }
    return done;
  } finally {
    db.close();
  }
}
