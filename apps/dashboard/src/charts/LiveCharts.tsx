// The live charts of one VM, from the metrics:sample stream of its room (about one point a
// second): guest MIPS, emulated clock, host CPU share, console output. The paper's other
// counters are listed as not reported until the server sends them (see NOTES-dashboard.md).
import type { ReactNode } from 'react';
import { useMetrics } from '../app-context';
import type { VmState } from '../protocol';
import { Link } from '../router';
import { Chart } from './Chart';

/** Metrics the issue asks for that the server's MetricSample does not carry yet. */
export const NOT_REPORTED = ['CPU time by mode (user / kernel / monitor / idle)', 'TLB misses and L2TLB hits', 'traps', 'remote-miss ratio', 'disk I/O'];

const WINDOW_S = 180;

export function LiveCharts({ vmId, state }: { vmId: string; state: VmState }): ReactNode {
  const points = useMetrics(vmId);
  const x = points.map((p) => p.t);
  const last = x.at(-1);
  // A sliding window over the last WINDOW_S seconds, ending at the newest sample.
  const xRange: [number, number] | undefined = last === undefined ? undefined : [last - WINDOW_S, last];
  const empty = 'Waiting for the first sample (one a second)…';
  if (points.length === 0 && state === 'stopped') {
    return (
      <section className="panel" aria-label="Live metrics">
        <div className="panel-head"><h2>Live</h2></div>
        <p className="muted">The VM is stopped: no live samples. Past runs are in <Link to={`/vms/${vmId}/metrics`}>Metrics history</Link>.</p>
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Live metrics">
      <div className="panel-head">
        <h2>Live</h2>
        <span className="muted small">{points.length === 0 ? 'no samples yet' : `last ${WINDOW_S / 60} minutes, a sample a second`}</span>
      </div>
      <div className="charts">
        <Chart title="Guest instructions" unit="MIPS" x={x} xRange={xRange} series={[{ label: 'MIPS', color: '#4c9aff', values: points.map((p) => p.mips) }]} empty={empty} testId="chart-mips" />
        <Chart title="Emulated clock" unit="MHz" x={x} xRange={xRange} series={[{ label: 'cycles', color: '#bc8cff', values: points.map((p) => p.cyclesM) }]} empty={empty} testId="chart-cycles" />
        <Chart title="Host CPU" unit="%" x={x} xRange={xRange} yRange={[0, 100]} series={[{ label: 'worker', color: '#3fb950', values: points.map((p) => p.hostCpu) }]} empty={empty} testId="chart-host" />
        <Chart title="Console output" unit="B/s" x={x} xRange={xRange} series={[{ label: 'out', color: '#d29922', values: points.map((p) => p.consoleOut) }]} empty={empty} testId="chart-console" />
      </div>
      <p className="muted small not-reported">Not reported by the server yet: {NOT_REPORTED.join(' · ')}.</p>
    </section>
  );
}
