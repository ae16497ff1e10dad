#!/usr/bin/env node
// Prisma without downloads (../shared/notes/environment.md, docs/server.md "Database").
//   node scripts/prisma.mjs generate        generate the client (apps/server/src/db/generated)
//   node scripts/prisma.mjs migrate NAME    write prisma/migrations/<timestamp>_NAME/migration.sql
//                                           for what schema.prisma adds to the migrations so far
//   node scripts/prisma.mjs check [--schema FILE]   exit 1 when the schema and the migrations differ
// migrate/check run Prisma's schema engine as WebAssembly (@prisma/schema-engine-wasm) over
// better-sqlite3: the committed migrations are applied to a scratch database, then the engine
// diffs that database against the schema. Nothing here is needed at run time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = dirname(dirname(new URL(import.meta.url).pathname));
// `check --schema FILE` checks another schema against the migrations (the staleness test uses it).
const schemaFlag = process.argv.indexOf('--schema');
const schemaPath = schemaFlag > 0 ? process.argv[schemaFlag + 1] : join(root, 'prisma', 'schema.prisma');
const migrationsDir = join(root, 'prisma', 'migrations');
const require = createRequire(import.meta.url);

function generate() {
  // The CLI checks for a native schema engine before anything else; `generate` never runs it,
  // so any existing file satisfies the check and no download is attempted.
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
  const cli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
  const r = spawnSync(process.execPath, [cli, 'generate', '--schema', schemaPath], { env, stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  if (r.status !== 0) {
    process.stderr.write(r.stdout);
    process.exit(r.status ?? 1);
  }
}

/** Committed migrations in order: [{ name, sql }]. */
function migrations() {
  let names = [];
  try {
    names = readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
  return names.map((name) => ({ name, sql: readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8') }));
}

/** SQL that takes a database built from the committed migrations to schema.prisma ('' if none). */
async function pendingSql() {
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const Database = require('better-sqlite3');
  const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();

  const scratch = mkdtempSync(join(tmpdir(), 'disco-prisma-'));
  try {
    const file = join(scratch, 'scratch.db');
    const db = new Database(file);
    for (const m of migrations()) db.exec(m.sql);
    db.close();
    const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaBetterSqlite3({ url: `file:${file}` }));
    const schema = readFileSync(schemaPath, 'utf8');
    const logs = [];
    const engine = await bg.SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, (l) => logs.push(l), adapter);
    let from = { tag: 'empty' };
    if (migrations().length > 0) {
      // What the migrations built, as a Prisma schema (introspection of the scratch database).
      const introspected = await engine.introspect({
        schema: { files: [{ path: 'schema.prisma', content: schema.replace(/^model [\s\S]*$/m, '') }] },
        baseDirectoryPath: scratch, force: true, compositeTypeDepth: 0, namespaces: null,
      });
      from = { tag: 'schemaDatamodel', files: introspected.schema.files };
    }
    const diff = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true, exitCode: null, filters: { externalTables: [], externalEnums: [] },
    });
    engine.free?.();
    return { sql: diff.stdout ?? '', logs };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const isEmpty = (sql) => sql.replace(/--.*$/gm, '').trim() === '';

const [cmd, arg] = process.argv.slice(2);
if (cmd === 'generate') {
  generate();
} else if (cmd === 'migrate') {
  if (!arg || !/^[a-z0-9_]+$/.test(arg)) {
    process.stderr.write('usage: node scripts/prisma.mjs migrate NAME   (NAME: lower case, digits, _)\n');
    process.exit(2);
  }
  const { sql } = await pendingSql();
  if (isEmpty(sql)) {
    process.stdout.write('schema.prisma matches the migrations: nothing to do\n');
  } else {
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const dir = join(migrationsDir, `${stamp}_${arg}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'migration.sql'), sql);
    process.stdout.write(`wrote ${dir}/migration.sql\n`);
  }
} else if (cmd === 'check') {
  const { sql } = await pendingSql();
  if (!isEmpty(sql)) {
    process.stderr.write('schema.prisma has changes no migration covers; run node scripts/prisma.mjs migrate NAME\n' + sql);
    process.exit(1);
  }
  process.stdout.write('migrations match schema.prisma\n');
} else {
  process.stderr.write('usage: node scripts/prisma.mjs generate | migrate NAME | check\n');
  process.exit(2);
}
