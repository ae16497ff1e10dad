// The audit log (GET /api/events), newest first, for one VM or all; filter by kind, page back
// with "Older", refreshed when a VM changes state.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiFailure } from '../api/client';
import { useApp, useVms } from '../app-context';
import { time } from '../format';
import type { EventView } from '../protocol';
import { Link } from '../router';

const PAGE = 100;

function detailText(d: Record<string, unknown>): string {
  return Object.entries(d).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ');
}

export function EventTable({ vmId }: { vmId?: string }): ReactNode {
  const { live } = useApp();
  const { vms } = useVms();
  const [events, setEvents] = useState<EventView[]>([]);
  const [more, setMore] = useState(false);
  const [kind, setKind] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async (beforeId?: number): Promise<void> => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (vmId !== undefined) q.set('vmId', vmId);
    if (kind !== '') q.set('kind', kind);
    if (beforeId !== undefined) q.set('beforeId', String(beforeId));
    setLoading(true);
    try {
      const page = await api.get<EventView[]>(`/events?${q.toString()}`);
      setEvents((old) => (beforeId === undefined ? page : [...old, ...page]));
      setMore(page.length === PAGE);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }, [vmId, kind]);

  useEffect(() => {
    void load();
    let t: ReturnType<typeof setTimeout> | null = null;
    const off = live.onState((m) => {
      if (vmId !== undefined && m.vmId !== vmId) return;
      if (t !== null) clearTimeout(t);
      t = setTimeout(() => void load(), 400);
    });
    return () => {
      off();
      if (t !== null) clearTimeout(t);
    };
  }, [load, live, vmId]);

  const names = new Map(vms.map((v) => [v.id, v.name]));
  const kinds = ['vm.created', 'vm.updated', 'vm.deleted', 'vm.start', 'vm.stop', 'vm.shutdown', 'vm.pause', 'vm.resume', 'vm.reset', 'run.ended', 'run.aborted', 'token.created', 'token.deleted', 'server.started'];
  return (
    <section className="panel" aria-label="Events">
      <div className="panel-head">
        <h2>Events</h2>
        <label htmlFor="event-kind" className="small muted">Kind</label>
        <select id="event-kind" className="select-sm" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">all</option>
          {kinds.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
        <span className="spacer" />
        <button type="button" className="btn btn-sm" onClick={() => void load()} disabled={loading}>{loading ? 'Loading…' : 'Refresh'}</button>
      </div>
      {error !== null && <p className="form-error" role="alert">{error}</p>}
      <div className="table-wrap">
        <table className="table">
          <thead><tr><th scope="col">Time</th><th scope="col">Kind</th>{vmId === undefined && <th scope="col">VM</th>}<th scope="col">By</th><th scope="col">Detail</th></tr></thead>
          <tbody>
            {!loading && events.length === 0 && <tr><td colSpan={5} className="muted">No events.</td></tr>}
            {events.map((e) => (
              <tr key={e.id}>
                <td className="mono nowrap">{time(e.at)}</td>
                <td><span className={`kind kind-${e.kind.split('.')[0]}`}>{e.kind}</span></td>
                {vmId === undefined && <td>{e.vmId === null ? <span className="muted">—</span> : names.has(e.vmId) ? <Link to={`/vms/${e.vmId}`}>{names.get(e.vmId)}</Link> : <span className="mono muted">{e.vmId}</span>}</td>}
                <td>{e.actor}</td>
                <td className="small">{detailText(e.detail)}{e.runId !== null && <span className="muted mono"> · {e.runId}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more && <div className="panel-foot"><button type="button" className="btn btn-sm" onClick={() => void load(events.at(-1)?.id)} disabled={loading}>Older</button></div>}
    </section>
  );
}
