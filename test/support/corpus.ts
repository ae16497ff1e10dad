// The differential-test corpus: which C programs exist in test/corpus, the arguments each one is
// run with, the exit status the reference (qemu) must give, and where their binaries are built.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { corpusBuildDir, repoRoot } from './run.js';

export const corpusSourceDir: string = join(repoRoot, 'test', 'corpus');
export const CORPUS_OPT_LEVELS = ['O0', 'O2'] as const;
export type CorpusOptLevel = (typeof CORPUS_OPT_LEVELS)[number];

export interface CorpusProgram {
  /** Source base name, e.g. 'float' for test/corpus/float.c. */
  name: string;
  /** Guest arguments after argv[0]. */
  args: string[];
  /** Exit status every correct run gives (checked on the qemu side too). */
  expectedStatus: number;
  /** Runs in a fresh temporary working directory (it creates files). */
  needsTempCwd: boolean;
}

/** Per-program settings; programs not listed run with no arguments and must exit 0. */
const SETTINGS: Record<string, Partial<Omit<CorpusProgram, 'name'>>> = {
  // argc 6, total argument length 11+0+9+2+8 = 30: (6*10+30) & 0xff = 90
  args: { args: ['hello world', '', 'ünïcode', '-x', '--flag=1'], expectedStatus: 90 },
  fileio: { needsTempCwd: true },
};

/** All corpus programs, sorted by name (read from test/corpus/*.c). */
export function corpusPrograms(): CorpusProgram[] {
  return readdirSync(corpusSourceDir)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -2);
      const s = SETTINGS[name] ?? {};
      return { name, args: s.args ?? [], expectedStatus: s.expectedStatus ?? 0, needsTempCwd: s.needsTempCwd ?? false };
    });
}

/** Path of a built corpus binary, e.g. build/corpus/float-O2. */
export function corpusBinary(name: string, opt: CorpusOptLevel): string {
  return join(corpusBuildDir, `${name}-${opt}`);
}
