// Shared by the gen-*-header scripts: load a renderer compiled into dist/ and write the files it
// generates, or with `--check` write nothing and report the stale ones (exit status 1).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** The compiled module at a repository-relative path under dist/; exits 2 when it is missing. */
export async function loadCompiled(path) {
  const compiled = join(ROOT, path);
  try {
    return await import(pathToFileURL(compiled).href);
  } catch (err) {
    console.error(`cannot load ${compiled} (run \`npm run build\` first): ${err.message}`);
    process.exit(2);
  }
}

/**
 * Brings each target up to date: { path (repository-relative), make(oldText) => newText }.
 * Exits: 0 when done (or all current), 1 under --check when any file is out of date.
 */
export function writeGenerated(targets) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const { path, make } of targets) {
    const file = join(ROOT, path);
    let old = '';
    try {
      old = readFileSync(file, 'utf8');
    } catch {
      // new file
    }
    const next = make(old);
    if (next === old) continue;
    stale++;
    if (check) console.error(`out of date: ${path}`);
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, next);
      console.log(`wrote ${path}`);
    }
  }
  process.exit(check && stale > 0 ? 1 : 0);
}
