// What every page shares once signed in: the session (token, name, role), the live socket, the
// VM list and the live metrics; plus notices (progress and errors of actions) shown top right.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { LinkStatus, Live } from './api/live';
import type { MetricPoint, MetricsStore } from './api/metrics-store';
import type { Session } from './api/session';
import type { VmsSnapshot, VmsStore } from './api/vms-store';

export interface Notice {
  id: number;
  kind: 'info' | 'error' | 'ok';
  text: string;
}

export interface AppState {
  session: Session;
  live: Live;
  vms: VmsStore;
  metrics: MetricsStore;
  signOut: () => void;
  notify: (kind: Notice['kind'], text: string) => void;
}

const Ctx = createContext<AppState | null>(null);

export function useApp(): AppState {
  const s = useContext(Ctx);
  if (s === null) throw new Error('useApp outside <AppProvider>');
  return s;
}

/** Why a change is not possible for this session, or null when it is. */
export function useReadOnlyReason(): string | null {
  const { session } = useApp();
  return session.role === 'read' ? `token "${session.name}" is read-only` : null;
}

export function useVms(): VmsSnapshot {
  const { vms } = useApp();
  return useSyncExternalStore(vms.subscribe, () => vms.snapshot);
}

export function useLinkStatus(): { status: LinkStatus; detail: string } {
  const { live } = useApp();
  const [s, set] = useState({ status: live.status, detail: live.statusDetail });
  useEffect(() => live.onStatus((status, detail) => set({ status, detail })), [live]);
  return s;
}

/** The live points of a VM, receiving its samples while mounted (when `on`). */
export function useMetrics(vmId: string, on = true): MetricPoint[] {
  const { metrics } = useApp();
  useEffect(() => (on ? metrics.use(vmId) : undefined), [metrics, vmId, on]);
  const sub = useCallback((l: () => void) => metrics.subscribe(vmId, l), [metrics, vmId]);
  return useSyncExternalStore(sub, () => metrics.points(vmId));
}

/** Re-render every `ms` (uptimes, "ago" times). */
export function useNow(ms = 1000): number {
  const [now, set] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => set(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function AppProvider({ value, children }: { value: Omit<AppState, 'notify'>; children: ReactNode }): ReactNode {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback((kind: Notice['kind'], text: string) => {
    const id = Date.now() + Math.random();
    setNotices((n) => [...n.slice(-3), { id, kind, text }]);
    setTimeout(() => setNotices((n) => n.filter((x) => x.id !== id)), kind === 'error' ? 10_000 : 4000);
  }, []);
  const state = useMemo(() => ({ ...value, notify }), [value, notify]);
  return (
    <Ctx.Provider value={state}>
      {children}
      <div className="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : undefined}>
            <span>{n.text}</span>
            <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => setNotices((x) => x.filter((y) => y.id !== n.id))}>×</button>
          </div>
        ))}
      </div>
    </Ctx.Provider>
  );
}
