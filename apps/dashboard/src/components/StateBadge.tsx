// A VM's state as a coloured badge; transitional states pulse.
import type { ReactNode } from 'react';
import type { VmState } from '../protocol';

export function StateBadge({ state }: { state: VmState }): ReactNode {
  return <span className={`badge state-${state}`} data-state={state}>{state}</span>;
}
