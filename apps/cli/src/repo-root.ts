// Where the repository is, for the commands' defaults (guest/images/...): a module of its own
// so that commands loaded lazily do not pull in each other.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest directory above this module with a package.json. */
export function repoRoot(): string {
  let d = import.meta.dirname;
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) return process.cwd();
    d = up;
  }
  return d;
}
