// Where the repository's files are at run time (the server runs from dist/, the images and
// migrations stay in the source tree): the nearest directory above with a package.json.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | null = null;

export function repoRoot(): string {
  if (cached !== null) return cached;
  let d = import.meta.dirname;
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error(`no package.json above ${import.meta.dirname}`);
    d = up;
  }
  cached = d;
  return d;
}

/** The kernel a VM boots unless it names another. */
export const DEFAULT_KERNEL = 'kernel-disco';

/** The kernel images a VM may name: name -> path (the guest kernel's monitor port; kernel-bare is for `disco boot --bare` only). */
export function kernelImages(): Record<string, string> {
  return { [DEFAULT_KERNEL]: join(repoRoot(), 'guest', 'images', 'kernel-disco.elf') };
}

/** The tree the "rootfs" base disk image is built from. */
export function rootfsDir(): string {
  return join(repoRoot(), 'guest', 'images', 'rootfs');
}
