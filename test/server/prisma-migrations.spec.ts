// prisma/migrations must build exactly what prisma/schema.prisma describes: Prisma's schema
// engine (WebAssembly, no download) diffs the migrated database against the schema. Fails when
// someone edits the schema without `node scripts/prisma.mjs migrate NAME`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';

const root = join(import.meta.dirname, '..', '..');

test('the committed migrations match schema.prisma', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'prisma.mjs'), 'check'], { encoding: 'utf8', cwd: root });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/migrations match schema.prisma/);
  expect(r.status).toBe(0);
});

test('a schema change without a migration is caught', () => {
  const dir = mkdtempSync(join(tmpdir(), 'disco-schema-'));
  try {
    const changed = readFileSync(join(root, 'prisma', 'schema.prisma'), 'utf8').replace('model Vm {', 'model Vm {\n  colour String @default("blue")');
    writeFileSync(join(dir, 'schema.prisma'), changed);
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'prisma.mjs'), 'check', '--schema', join(dir, 'schema.prisma')], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/colour/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
