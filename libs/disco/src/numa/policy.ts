// The NUMA page-placement policy (paper §2.3, after Verghese et al., ASPLOS '96): given a hot-page
// notification and the page's per-node miss counts and coherence writes, decide whether to
// migrate the page to the hot node, replicate it there, or leave it. Pure decisions, no mechanism:
// numa/ mechanisms (copy, pmap update, TLB shootdown) act on what this returns. A second strategy,
// after Linux's AutoNUMA (migrate after two consecutive hints from the same node, never replicate),
// is here so the two can be compared on the same runs (bench/numa).

/** Which rule set decides. */
export type NumaStrategy = 'disco' | 'autonuma';

export interface NumaPolicyConfig {
  readonly strategy: NumaStrategy;
  /** Misses from one node within a reset interval that make a page hot (the counters' threshold). */
  readonly triggerThreshold: number;
  /** Misses from all other nodes at or above which a hot page counts as shared. */
  readonly sharingThreshold: number;
  /** Coherence writes above which a shared page is write-shared: neither moved nor replicated. */
  readonly writeThreshold: number;
  /** Most moves (migrations and replications) of one page over the VM's life. */
  readonly moveLimit: number;
  /** Emulated cycles between resets of every miss counter. */
  readonly resetIntervalCycles: number;
}

/**
 * Defaults, for a 200 MHz machine. Trigger 128 and sharing 32 are Verghese et al.'s values for a
 * 100 ms counting interval (the paper gives none of its own); we keep the interval in emulated
 * time (20 M cycles = 100 ms). Write threshold 1: a page written more than once while shared is
 * written by more than one party in practice, and replicating it would only collapse again.
 * Move limit 4: enough for a page to follow a process that moves node a few times, small enough
 * that a page bouncing between nodes stops costing copies quickly.
 */
export const DEFAULT_NUMA_POLICY: NumaPolicyConfig = {
  strategy: 'disco',
  triggerThreshold: 128,
  sharingThreshold: 32,
  writeThreshold: 1,
  moveLimit: 4,
  resetIntervalCycles: 20_000_000,
};

/** What the policy knows about one page when a hot-page notification for it arrives. */
export interface HotPageFacts {
  /** The node whose misses crossed the trigger. */
  readonly hotNode: number;
  /** Miss counts per node for the page (index = node). */
  readonly counts: ArrayLike<number>;
  /** Coherence writes to the page in the current interval. */
  readonly writes: number;
  /** The node holding the page's master copy. */
  readonly homeNode: number;
  /** Bit n set: a replica already lives on node n. */
  readonly replicaNodes: number;
  /** Moves of this page so far. */
  readonly moves: number;
  /** The node of the previous hint for this page, or -1 (AutoNUMA's two-hint rule). */
  readonly lastHintNode: number;
  /** The page may not move at all (device buffer, pinned by the monitor). */
  readonly pinned: boolean;
}

export type PlacementDecision =
  | { readonly action: 'migrate'; readonly node: number }
  | { readonly action: 'replicate'; readonly node: number }
  | { readonly action: 'none'; readonly reason: NoActionReason };

export type NoActionReason =
  | 'local' // the hot node already holds the page or a replica of it
  | 'write-shared'
  | 'move-limit'
  | 'pinned'
  | 'first-hint'; // AutoNUMA: waiting for a second hint from the same node

const NONE_LOCAL: PlacementDecision = { action: 'none', reason: 'local' };
const NONE_WRITE_SHARED: PlacementDecision = { action: 'none', reason: 'write-shared' };
const NONE_MOVE_LIMIT: PlacementDecision = { action: 'none', reason: 'move-limit' };
const NONE_PINNED: PlacementDecision = { action: 'none', reason: 'pinned' };
const NONE_FIRST_HINT: PlacementDecision = { action: 'none', reason: 'first-hint' };

/** Check a configuration; returns an error message or null. */
export function validateNumaPolicy(c: NumaPolicyConfig): string | null {
  if (c.strategy !== 'disco' && c.strategy !== 'autonuma') return `strategy must be 'disco' or 'autonuma'`;
  const ints: [string, number, number][] = [
    ['triggerThreshold', c.triggerThreshold, 1],
    ['sharingThreshold', c.sharingThreshold, 1],
    ['writeThreshold', c.writeThreshold, 0],
    ['moveLimit', c.moveLimit, 0],
    ['resetIntervalCycles', c.resetIntervalCycles, 1],
  ];
  for (const [name, v, min] of ints) {
    if (!Number.isSafeInteger(v) || v < min) return `${name} must be an integer >= ${min} (got ${v})`;
  }
  return null;
}

/** Decide what to do with a hot page. */
export function decidePlacement(c: NumaPolicyConfig, f: HotPageFacts): PlacementDecision {
  if (f.pinned) return NONE_PINNED;
  const node = f.hotNode;
  if (node === f.homeNode || (f.replicaNodes & (1 << node)) !== 0) return NONE_LOCAL;
  if (f.moves >= c.moveLimit) return NONE_MOVE_LIMIT;
  if (c.strategy === 'autonuma') {
    return f.lastHintNode === node ? { action: 'migrate', node } : NONE_FIRST_HINT;
  }
  let others = 0;
  for (let n = 0; n < f.counts.length; n++) if (n !== node) others += f.counts[n];
  if (others < c.sharingThreshold) return { action: 'migrate', node };
  if (f.writes > c.writeThreshold) return NONE_WRITE_SHARED;
  return { action: 'replicate', node };
}
