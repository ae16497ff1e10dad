// The user-mode loader's refusals: files that are not runnable get a reason a user can act on.
import { describe, expect, it } from '@jest/globals';
import { checkExecutable, explainNotExecutable } from './loader.js';
import { E } from './abi.js';

/** The first 52 bytes of a valid-looking ELF32 LE MIPS executable header, nothing after it. */
function headerOnly(): Uint8Array {
  const b = new Uint8Array(52);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  const v = new DataView(b.buffer);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 8, true); // EM_MIPS
  v.setUint32(20, 1, true);
  v.setUint32(28, 52, true); // e_phoff: right after the header ...
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, 3, true); // ... but three program headers are missing
  return b;
}

describe('checkExecutable / explainNotExecutable', () => {
  it('names a file that is not ELF at all', () => {
    const text = new TextEncoder().encode('#!/bin/sh\necho hi\n');
    expect(checkExecutable(text)).toBe(E.NOEXEC);
    expect(explainNotExecutable(text)).toMatch(/^not an ELF file/);
  });

  it('says what is wrong with a truncated ELF', () => {
    expect(checkExecutable(headerOnly())).toBe(E.NOEXEC);
    expect(explainNotExecutable(headerOnly())).toMatch(/^malformed or truncated ELF: .*program header/i);
    const cut = headerOnly().subarray(0, 20);
    expect(explainNotExecutable(cut)).toMatch(/^malformed or truncated ELF/);
  });
});
