// The Linux ABI tables are the one source: the committed guest headers (guest/include/uapi/)
// match them byte for byte, every C name is defined once, and no other guest header or libc
// source defines one of those names again.

import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineName, renderDefineHeader } from '../board/memory-map-render.js';
import { hostErrno } from './abi.js';
import { E, UAPI_HEADERS } from './linux-abi.js';
import { renderLinuxAbiHeaders, UAPI_HEADER_DIR } from './linux-abi-render.js';

const root = join(import.meta.dirname, '..', '..', '..', '..');

const cNames = UAPI_HEADERS.flatMap((h) => h.tables.flatMap((t) => Object.keys(t.table).map((k) => defineName(t, k))));

/** Files below dir (relative to the repository) whose names end in one of exts. */
function sources(dir: string, exts: readonly string[]): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .map((f) => join(dir, f));
}

describe('Linux ABI headers', () => {
  it('guest/include/uapi/ holds exactly the generated headers, current (run scripts/gen-linux-abi-header.mjs)', () => {
    const rendered = renderLinuxAbiHeaders();
    for (const { path, text } of rendered) expect(readFileSync(join(root, path), 'utf8')).toBe(text);
    const committed = readdirSync(join(root, UAPI_HEADER_DIR)).sort();
    expect(committed).toEqual(rendered.map((r) => r.path.slice(UAPI_HEADER_DIR.length + 1)).sort());
  });

  it('gives every C name once', () => {
    expect(cNames.length).toBeGreaterThan(300);
    expect(new Set(cNames).size).toBe(cNames.length);
  });

  it('is not defined again in the guest kernel or libc', () => {
    const generated = new Set(cNames);
    const files = [
      ...sources('guest/kernel', ['.h', '.c']),
      ...sources('guest/user/libc', ['.h', '.c']),
      ...sources('guest/user/bin', ['.h', '.c']),
    ];
    const again: string[] = [];
    for (const f of files) {
      for (const m of readFileSync(join(root, f), 'utf8').matchAll(/^\s*#\s*define\s+(\w+)/gm)) {
        if (generated.has(m[1])) again.push(`${f}: ${m[1]}`);
      }
    }
    expect(again).toEqual([]);
  });

  it('names C constants by prefix and override, and prints negatives as signed', () => {
    const text = renderDefineHeader({
      guard: 'T_H', comment: ['t'], decimal: new Set(), addresses: new Set(),
      tables: [{ name: 'X', doc: 'd', table: { A: 1, B: -100, C: 0x80000000 }, cPrefix: 'Y', cNames: { C: 'ZC' } }],
    });
    expect(text).toContain('#define YA 0x001\n');
    expect(text).toContain('#define YB (-100)\n');
    expect(text).toContain('#define ZC 0x80000000\n');
  });

  it('maps host error codes by their C names', () => {
    expect(hostErrno({ code: 'E2BIG' })).toBe(E.TOOBIG);
    expect(hostErrno({ code: 'EWOULDBLOCK' })).toBe(E.AGAIN);
    expect(hostErrno({ code: 'ENOTSUP' })).toBe(E.OPNOTSUPP);
    expect(hostErrno({ code: 'EDQUOT' })).toBe(1133);
    expect(hostErrno({ code: 'EWHATEVER' })).toBe(E.IO);
  });
});
