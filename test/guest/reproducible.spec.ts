// The committed kernel images (guest/images/kernel-bare.elf and the monitor port's
// kernel-disco.elf) must be what the sources build: rebuild guest/kernel for each port in a
// temporary directory (another path, so -ffile-prefix-map is exercised) with the cross
// compiler and compare the bytes.
import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/run.js';

describe('guest kernel image', () => {
  it.each(['bare', 'disco'])('kernel-%s.elf is reproducible from the committed sources', (port) => {
    if (spawnSync('make', ['--version'], { stdio: 'ignore' }).error) {
      throw new Error('`make` is missing: apt-get install make (the guest builds need it with gcc-mipsel-linux-gnu)');
    }
    const tmp = mkdtempSync(join(tmpdir(), 'disco-kernel-build-'));
    try {
      mkdirSync(join(tmp, 'guest', 'images'), { recursive: true });
      cpSync(join(repoRoot, 'guest', 'kernel'), join(tmp, 'guest', 'kernel'), { recursive: true });
      cpSync(join(repoRoot, 'guest', 'include'), join(tmp, 'guest', 'include'), { recursive: true });
      execFileSync('make', ['-s', '-j2', '-C', join(tmp, 'guest', 'kernel'), `PORT=${port}`], { stdio: ['ignore', 'ignore', 'inherit'] });
      const built = readFileSync(join(tmp, 'guest', 'images', `kernel-${port}.elf`));
      const committed = readFileSync(join(repoRoot, 'guest', 'images', `kernel-${port}.elf`));
      expect(built.equals(committed)).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
