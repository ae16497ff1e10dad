// Decisions of the NUMA placement policy: migrate single-node pages, replicate read-shared ones,
// leave write-shared, capped and pinned pages; the AutoNUMA strategy's two-hint rule.
import { describe, expect, it } from '@jest/globals';
import { decidePlacement, DEFAULT_NUMA_POLICY, type HotPageFacts, validateNumaPolicy } from './policy.js';

const BASE: HotPageFacts = {
  hotNode: 2,
  counts: [0, 0, 128, 0],
  writes: 0,
  homeNode: 0,
  replicaNodes: 0,
  moves: 0,
  lastHintNode: -1,
  pinned: false,
};
const disco = DEFAULT_NUMA_POLICY;
const autonuma = { ...DEFAULT_NUMA_POLICY, strategy: 'autonuma' as const };

describe('decidePlacement (disco strategy)', () => {
  it('migrates a page hot from one remote node to that node, even when it is written', () => {
    expect(decidePlacement(disco, BASE)).toEqual({ action: 'migrate', node: 2 });
    expect(decidePlacement(disco, { ...BASE, writes: 500, counts: [31, 0, 128, 0] })).toEqual({ action: 'migrate', node: 2 });
  });

  it('replicates a read-shared page to the hot node', () => {
    expect(decidePlacement(disco, { ...BASE, counts: [20, 20, 128, 0] })).toEqual({ action: 'replicate', node: 2 });
    expect(decidePlacement(disco, { ...BASE, counts: [20, 20, 128, 0], writes: 1 })).toEqual({ action: 'replicate', node: 2 });
  });

  it('leaves a write-shared page where it is', () => {
    expect(decidePlacement(disco, { ...BASE, counts: [20, 20, 128, 0], writes: 2 })).toEqual({ action: 'none', reason: 'write-shared' });
  });

  it('does nothing when the hot node already has the page or a replica', () => {
    expect(decidePlacement(disco, { ...BASE, homeNode: 2 })).toEqual({ action: 'none', reason: 'local' });
    expect(decidePlacement(disco, { ...BASE, replicaNodes: 1 << 2, counts: [40, 0, 128, 0] })).toEqual({ action: 'none', reason: 'local' });
  });

  it('stops moving a page at the move limit, and never moves a pinned page', () => {
    expect(decidePlacement(disco, { ...BASE, moves: disco.moveLimit })).toEqual({ action: 'none', reason: 'move-limit' });
    expect(decidePlacement(disco, { ...BASE, moves: disco.moveLimit - 1 })).toEqual({ action: 'migrate', node: 2 });
    expect(decidePlacement(disco, { ...BASE, pinned: true })).toEqual({ action: 'none', reason: 'pinned' });
  });
});

describe('decidePlacement (autonuma strategy)', () => {
  it('migrates only on the second consecutive hint from the same node, and never replicates', () => {
    expect(decidePlacement(autonuma, BASE)).toEqual({ action: 'none', reason: 'first-hint' });
    expect(decidePlacement(autonuma, { ...BASE, lastHintNode: 1 })).toEqual({ action: 'none', reason: 'first-hint' });
    expect(decidePlacement(autonuma, { ...BASE, lastHintNode: 2 })).toEqual({ action: 'migrate', node: 2 });
    expect(decidePlacement(autonuma, { ...BASE, lastHintNode: 2, counts: [60, 60, 128, 0] })).toEqual({ action: 'migrate', node: 2 });
  });
});

describe('validateNumaPolicy', () => {
  it('accepts the defaults and names the bad field', () => {
    expect(validateNumaPolicy(disco)).toBeNull();
    expect(validateNumaPolicy({ ...disco, triggerThreshold: 0 })).toMatch(/triggerThreshold/);
    expect(validateNumaPolicy({ ...disco, moveLimit: 1.5 })).toMatch(/moveLimit/);
    expect(validateNumaPolicy({ ...disco, strategy: 'lru' as never })).toMatch(/strategy/);
  });
});
