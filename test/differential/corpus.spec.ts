// Differential test: every test/corpus program, built at -O0 and -O2, must give the same stdout
// and exit status under bin/disco user as under qemu-mipsel. Fails (does not skip) when qemu or
// the cross compiler is missing, unless DISCO_SKIP_DIFFERENTIAL=1.
import { describe, it, beforeAll } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CORPUS_OPT_LEVELS,
  corpusBinary,
  corpusPrograms,
  expectReference,
  expectSameRun,
  prepareCorpus,
  requireDisco,
  runDisco,
  runQemu,
  skipDifferential,
  type CorpusProgram,
  type RunResult,
} from '../support/index.js';

const cases: [string, CorpusProgram, (typeof CORPUS_OPT_LEVELS)[number]][] = corpusPrograms().flatMap((p) =>
  CORPUS_OPT_LEVELS.map((o) => [`${p.name}-${o}`, p, o] as [string, CorpusProgram, (typeof CORPUS_OPT_LEVELS)[number]]),
);

if (skipDifferential) console.warn('corpus.spec.ts: DISCO_SKIP_DIFFERENTIAL=1, skipping the corpus differential tests');
const suite = skipDifferential ? describe.skip : describe;

/** Runs `run` in a fresh temporary directory when the program needs one; checks it cleaned up. */
async function inCwd(prog: CorpusProgram, run: (cwd?: string) => Promise<RunResult>): Promise<{ r: RunResult; leftovers: string[] }> {
  if (!prog.needsTempCwd) return { r: await run(), leftovers: [] };
  const dir = mkdtempSync(join(tmpdir(), `disco-corpus-${prog.name}-`));
  try {
    const r = await run(dir);
    return { r, leftovers: readdirSync(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

suite('corpus: bin/disco user matches qemu-mipsel', () => {
  beforeAll(() => {
    prepareCorpus();
  }, 300_000);

  it.each(cases)('%s', async (_label, prog, opt) => {
    requireDisco();
    const elf = corpusBinary(prog.name, opt);
    const [q, d] = await Promise.all([
      inCwd(prog, (cwd) => runQemu(elf, prog.args, { cwd })),
      inCwd(prog, (cwd) => runDisco(elf, prog.args, { cwd, timeoutMs: 110_000 })),
    ]);
    expectReference(q.r, prog.expectedStatus);
    expectSameRun(d.r, q.r);
    if (d.leftovers.length) throw new Error(`${prog.name} left files behind under bin/disco: ${d.leftovers.join(', ')}`);
  });
});
