// The migration runner on scratch databases: the committed migrations apply to an empty file
// and build the schema's tables; a second run applies nothing; a changed or unknown applied
// migration is refused; a failing migration leaves nothing half-applied.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { migrate, MigrationError, readMigrations } from './migrate.js';

const committed = join(import.meta.dirname, '..', '..', '..', '..', 'prisma', 'migrations');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'disco-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tables(file: string): string[] {
  const db = new Database(file);
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  db.close();
  return rows.map((r) => r.name);
}

describe('migrate', () => {
  test('the committed migrations build every model table, once', () => {
    const file = join(dir, 'a.db');
    const ms = readMigrations(committed);
    expect(ms.length).toBeGreaterThan(0);
    expect(migrate(file, ms)).toEqual(ms.map((m) => m.name));
    expect(tables(file)).toEqual(expect.arrayContaining(['ApiToken', 'ConsoleChunk', 'Disk', 'Event', 'MachineConfig', 'MetricSample', 'Run', 'Vm', 'VmDisk', '_disco_migrations']));
    expect(migrate(file, ms)).toEqual([]);
  });

  test('applies only what is new, in name order', () => {
    const file = join(dir, 'b.db');
    const a = { name: '001_a', sql: 'CREATE TABLE a (x INTEGER);', checksum: '1' };
    const b = { name: '002_b', sql: 'CREATE TABLE b (y INTEGER);', checksum: '2' };
    expect(migrate(file, [a])).toEqual(['001_a']);
    expect(migrate(file, [a, b])).toEqual(['002_b']);
    expect(tables(file)).toEqual(['_disco_migrations', 'a', 'b']);
  });

  test('refuses an applied migration that changed, or one it does not know', () => {
    const file = join(dir, 'c.db');
    migrate(file, [{ name: '001_a', sql: 'CREATE TABLE a (x INTEGER);', checksum: '1' }]);
    expect(() => migrate(file, [{ name: '001_a', sql: 'CREATE TABLE a (z INTEGER);', checksum: 'other' }])).toThrow(/was changed/);
    expect(() => migrate(file, [])).toThrow(MigrationError);
  });

  test('a failing migration is rolled back and not recorded', () => {
    const file = join(dir, 'd.db');
    const bad = { name: '001_bad', sql: 'CREATE TABLE t (x INTEGER); INSERT INTO nowhere VALUES (1);', checksum: 'x' };
    expect(() => migrate(file, [bad])).toThrow(/nowhere/);
    expect(tables(file)).toEqual(['_disco_migrations']);
  });

  test('readMigrations: directories in order, a missing migration.sql is an error', () => {
    const m = join(dir, 'migrations');
    mkdirSync(join(m, '002_b'), { recursive: true });
    mkdirSync(join(m, '001_a'), { recursive: true });
    writeFileSync(join(m, '002_b', 'migration.sql'), 'SELECT 2;');
    writeFileSync(join(m, '001_a', 'migration.sql'), 'SELECT 1;');
    expect(readMigrations(m).map((x) => x.name)).toEqual(['001_a', '002_b']);
    mkdirSync(join(m, '003_c'));
    expect(() => readMigrations(m)).toThrow(/no migration.sql/);
  });
});
