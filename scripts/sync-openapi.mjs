#!/usr/bin/env node
// Writes openapi.json from the built server's controllers and DTOs (the same document the
// server serves at /api/docs-json). `--check` exits 1 when the committed file is stale.
// Needs the build (npm run build). Starts no worker and opens no port: the app is only
// assembled (with a scratch data directory) to read its routes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = dirname(dirname(new URL(import.meta.url).pathname));
const out = join(root, 'openapi.json');
const { createApp, version } = await import(pathToFileURL(join(root, 'dist', 'apps', 'server', 'src', 'server.js')).href);
const { openApiDocument } = await import(pathToFileURL(join(root, 'dist', 'apps', 'server', 'src', 'openapi.js')).href);
const { loadConfig } = await import(pathToFileURL(join(root, 'dist', 'apps', 'server', 'src', 'config', 'config.js')).href);

const scratch = mkdtempSync(join(tmpdir(), 'disco-openapi-'));
let text;
try {
  const app = await createApp(loadConfig({ DISCO_DATA_DIR: scratch }), false);
  text = JSON.stringify(openApiDocument(app, version()), null, 2) + '\n';
  await app.close();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(out, 'utf8');
  } catch {
    // Missing counts as stale.
  }
  if (committed !== text) {
    process.stderr.write('openapi.json is stale: run `npm run openapi` and commit the result\n');
    process.exit(1);
  }
  process.stdout.write('openapi.json is up to date\n');
} else {
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out}\n`);
}
