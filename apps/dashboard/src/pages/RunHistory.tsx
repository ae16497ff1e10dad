// A VM's runs, newest first (GET /api/vms/:id/runs): start, end, length, exit reason, counters;
// select one to read its summary and its whole console log (GET /api/runs/:runId).
import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiFailure } from '../api/client';
import { count, duration, seconds, time } from '../format';
import type { RunView, RunWithConsoleView, VmView } from '../protocol';

/** Drop terminal control sequences from a stored log, for reading as plain text. */
export function plainText(log: string): string {
  // eslint-disable-next-line no-control-regex
  return log.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r\n/g, '\n').replace(/\r/g, '').replace(/^\n+/, '');
}

function Reason({ r }: { r: RunView }): ReactNode {
  if (r.endedAt === null) return <span className="badge state-running">open</span>;
  return <span className={`badge reason-${r.exitReason ?? 'none'}`}>{r.exitReason ?? '—'}{r.exitCode !== null ? ` (${r.exitCode})` : ''}</span>;
}

function RunLog({ runId }: { runId: string }): ReactNode {
  const [run, setRun] = useState<RunWithConsoleView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setRun(null);
    api.get<RunWithConsoleView>(`/runs/${runId}`).then(setRun, (e: unknown) => setError(e instanceof ApiFailure ? e.message : String(e)));
  }, [runId]);
  if (error !== null) return <p className="form-error" role="alert">{error}</p>;
  if (run === null) return <p className="muted" role="status">Loading the run…</p>;
  const c = run.counters;
  return (
    <div className="run-detail" aria-label={`Run ${run.id}`}>
      <dl className="kv kv-row">
        <div><dt>Run</dt><dd className="mono">{run.id}</dd></div>
        <div><dt>Started</dt><dd>{time(run.startedAt)}</dd></div>
        <div><dt>Ended</dt><dd>{time(run.endedAt)}</dd></div>
        <div><dt>Exit</dt><dd><Reason r={run} /></dd></div>
        <div><dt>Instructions</dt><dd className="mono">{count(c.instructions)}</dd></div>
        <div><dt>Emulated cycles</dt><dd className="mono">{count(c.cycles)}</dd></div>
        <div><dt>Host time</dt><dd className="mono">{seconds(c.hostMs)}</dd></div>
        <div><dt>Boots</dt><dd className="mono">{c.boots}</dd></div>
        {run.detail !== null && <div className="kv-wide"><dt>Detail</dt><dd>{run.detail}</dd></div>}
      </dl>
      <h3>Console log <span className="muted small">{count(run.consoleBytes)} bytes{run.consoleTruncated ? ', truncated at 4 MiB' : ''}</span></h3>
      <pre className="log" tabIndex={0} aria-label={`Console log of run ${run.id}`} data-testid="run-log">{plainText(run.console) || '(no output)'}</pre>
    </div>
  );
}

export function RunHistory({ vm }: { vm: VmView }): ReactNode {
  const [runs, setRuns] = useState<RunView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  useEffect(() => {
    api.get<RunView[]>(`/vms/${vm.id}/runs?limit=200`).then((r) => {
      setRuns(r);
      setError(null);
    }, (e: unknown) => setError(e instanceof ApiFailure ? e.message : String(e)));
  }, [vm.id, vm.state, vm.runId]);
  const selected = chosen ?? runs?.[0]?.id ?? null;
  return (
    <div className="runs-layout">
      <section className="panel" aria-label="Runs">
        <div className="panel-head"><h2>Runs</h2><span className="muted small">{runs === null ? '' : `${runs.length} shown, newest first`}</span></div>
        {error !== null && <p className="form-error" role="alert">{error}</p>}
        <div className="table-wrap">
          <table className="table table-select">
            <thead><tr><th scope="col">Started</th><th scope="col">Length</th><th scope="col">Exit</th><th scope="col" className="num">Instructions</th><th scope="col">Detail</th></tr></thead>
            <tbody>
              {runs === null && error === null && <tr><td colSpan={5} className="muted">Loading…</td></tr>}
              {runs?.length === 0 && <tr><td colSpan={5} className="muted">No runs yet: start the VM.</td></tr>}
              {runs?.map((r) => (
                <tr key={r.id} className={r.id === selected ? 'selected' : undefined} aria-selected={r.id === selected} data-run={r.id}>
                  <td><button type="button" className="linklike" onClick={() => setChosen(r.id)} aria-label={`Show run started ${time(r.startedAt)}`}>{time(r.startedAt)}</button></td>
                  <td className="mono">{duration((r.endedAt === null ? Date.now() : Date.parse(r.endedAt)) - Date.parse(r.startedAt))}</td>
                  <td><Reason r={r} /></td>
                  <td className="num mono">{count(r.counters.instructions)}</td>
                  <td className="muted small ellipsis" title={r.detail ?? undefined}>{r.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel" aria-label="Run details">
        {selected === null ? <p className="muted">Select a run.</p> : <RunLog runId={selected} />}
      </section>
    </div>
  );
}
