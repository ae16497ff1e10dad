// The live charts of one VM, from the metrics:summary stream (a point a second): guest MIPS,
// emulated clock, host CPU share, and the monitor's counters: vCPU time by mode, TLB misses vs
// L2TLB hits, traps, the local-miss ratio (timed mode), NUMA migrations / replications /
// collapses, replica and shared pages, page sharing, the virtual subnet, disk and console I/O.
import type { ReactNode } from 'react';
import { useMetrics } from '../app-context';
import type { MetricPoint } from '../api/metrics-store';
import type { VmState } from '../protocol';
import { Link } from '../router';
import { Chart, type SeriesDef } from './Chart';

const WINDOW_S = 180;

/** The charts both the live and the stored view draw from the monitor's counters. */
type CounterKey = 'userPct' | 'kernelPct' | 'monitorPct' | 'idlePct' | 'tlbMisses' | 'l2tlbHits' | 'traps' | 'remotePct' | 'localPct'
  | 'numaMigrations' | 'numaReplications' | 'numaCollapses' | 'replicaPages' | 'sharedPages' | 'pagesRemapped' | 'cowCopies'
  | 'netSent' | 'netReceived' | 'netDrops' | 'netCopiedKiB' | 'netRemappedKiB' | 'diskCommands' | 'diskKiB' | 'consoleOut' | 'consoleIn';
/** One row of counter rates (null in a gap of stored data). */
export type CounterRow = { [K in CounterKey]: MetricPoint[K] | null };

export function counterCharts(points: CounterRow[]): { title: string; unit: string; series: SeriesDef[]; yRange?: [number, number]; id: string }[] {
  const col = (k: CounterKey): (number | null)[] => points.map((p) => p[k]);
  return [
    {
      id: 'modes', title: 'vCPU time by mode', unit: '%', yRange: [0, 100], series: [
        { label: 'user', color: '#4c9aff', values: col('userPct') },
        { label: 'kernel', color: '#bc8cff', values: col('kernelPct') },
        { label: 'monitor', color: '#f778ba', values: col('monitorPct') },
        { label: 'idle', color: '#6e7681', values: col('idlePct') },
      ],
    },
    {
      id: 'tlb', title: 'TLB misses vs L2TLB hits', unit: '/s', series: [
        { label: 'TLB misses', color: '#d29922', values: col('tlbMisses') },
        { label: 'L2TLB hits', color: '#3fb950', values: col('l2tlbHits') },
      ],
    },
    { id: 'traps', title: 'Traps into the monitor', unit: '/s', series: [{ label: 'traps', color: '#ff9b50', values: col('traps') }] },
    {
      id: 'locality', title: 'Local-miss ratio', unit: '%', yRange: [0, 100], series: [
        { label: 'local', color: '#3fb950', values: col('localPct') },
        { label: 'remote', color: '#39c5cf', values: col('remotePct') },
      ],
    },
    {
      id: 'numa', title: 'NUMA: migrations, replications, collapses', unit: '/s', series: [
        { label: 'migrations', color: '#4c9aff', values: col('numaMigrations') },
        { label: 'replications', color: '#3fb950', values: col('numaReplications') },
        { label: 'collapses', color: '#f778ba', values: col('numaCollapses') },
      ],
    },
    {
      id: 'pages', title: 'Replica and shared pages', unit: 'pages', series: [
        { label: 'replicas', color: '#3fb950', values: col('replicaPages') },
        { label: 'shared', color: '#d29922', values: col('sharedPages') },
      ],
    },
    {
      id: 'sharing', title: 'Page sharing: remaps, copy-on-write copies', unit: '/s', series: [
        { label: 'remapped', color: '#a5d6ff', values: col('pagesRemapped') },
        { label: 'COW copies', color: '#ff9b50', values: col('cowCopies') },
      ],
    },
    {
      id: 'net', title: 'Virtual subnet: frames', unit: '/s', series: [
        { label: 'sent', color: '#4c9aff', values: col('netSent') },
        { label: 'received', color: '#3fb950', values: col('netReceived') },
        { label: 'dropped', color: '#f85149', values: col('netDrops') },
      ],
    },
    {
      id: 'netbytes', title: 'Virtual subnet: bytes in', unit: 'KiB/s', series: [
        { label: 'copied', color: '#d29922', values: col('netCopiedKiB') },
        { label: 'remapped', color: '#bc8cff', values: col('netRemappedKiB') },
      ],
    },
    {
      id: 'disk', title: 'Disk I/O', unit: '', series: [
        { label: 'commands/s', color: '#a5d6ff', values: col('diskCommands') },
        { label: 'KiB/s', color: '#4c9aff', values: col('diskKiB') },
      ],
    },
    {
      id: 'console', title: 'Console I/O', unit: 'B/s', series: [
        { label: 'out', color: '#d29922', values: col('consoleOut') },
        { label: 'in', color: '#3fb950', values: col('consoleIn') },
      ],
    },
  ];
}

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
  const noMisses = points.length > 0 && points.every((p) => p.localPct === null);
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
        {counterCharts(points).map((c) => (
          <Chart key={c.id} title={c.title} unit={c.unit} x={x} xRange={xRange} yRange={c.yRange} series={c.series}
            empty={c.id === 'locality' && noMisses ? 'No cache misses counted (fast mode has no cache model)' : empty} testId={`chart-${c.id}`} />
        ))}
      </div>
    </section>
  );
}
