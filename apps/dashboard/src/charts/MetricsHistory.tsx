// Stored metrics of a VM (GET /api/vms/:id/metrics): range presets (hour, day, week), drag on
// a chart to zoom into a range (fetched again at a finer step), "Zoom out" back to the preset.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiFailure } from '../api/client';
import { fetchHistory, toSeries, type History, type HistorySeries } from '../api/metrics-history';
import { duration } from '../format';
import { Chart } from './Chart';
import { counterCharts } from './LiveCharts';

const PRESETS = [
  { id: 'hour', label: 'Last hour', ms: 3600_000 },
  { id: 'day', label: 'Last day', ms: 86_400_000 },
  { id: 'week', label: 'Last week', ms: 7 * 86_400_000 },
] as const;

type PresetId = (typeof PRESETS)[number]['id'];

export function MetricsHistory({ vmId }: { vmId: string }): ReactNode {
  const [preset, setPreset] = useState<PresetId>('hour');
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  const [reply, setReply] = useState<{ h: History; s: HistorySeries; range: [number, number] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const now = Date.now();
    const range: [number, number] = zoom ?? [now - PRESETS.find((p) => p.id === preset)!.ms, now];
    setLoading(true);
    fetchHistory(vmId, range[0], range[1], now).then((h) => {
      if (cancelled) return;
      setReply({ h, s: toSeries(h), range });
      setError(null);
    }, (e: unknown) => !cancelled && setError(e instanceof ApiFailure ? e.message : String(e))).finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [vmId, preset, zoom, tick]);

  const onZoom = useCallback((min: number, max: number) => {
    if (max - min >= 2) setZoom([min * 1000, max * 1000]);
  }, []);

  const s = reply?.s;
  const x = s?.x ?? [];
  const xRange: [number, number] | undefined = reply === null ? undefined : [reply.range[0] / 1000, reply.range[1] / 1000];
  const empty = error !== null ? `Could not load: ${error}` : loading && reply === null ? 'Loading…' : 'No samples stored in this range (samples are kept while the VM runs).';
  return (
    <section className="panel" aria-label="Metrics history">
      <div className="panel-head">
        <h2>History</h2>
        <div className="segmented" role="radiogroup" aria-label="Range">
          {PRESETS.map((p) => (
            <button key={p.id} type="button" role="radio" aria-checked={zoom === null && preset === p.id}
              className={zoom === null && preset === p.id ? 'seg active' : 'seg'} onClick={() => { setZoom(null); setPreset(p.id); }}>{p.label}</button>
          ))}
        </div>
        {zoom !== null && <button type="button" className="btn btn-sm" onClick={() => setZoom(null)}>Zoom out</button>}
        <button type="button" className="btn btn-sm" onClick={() => setTick((t) => t + 1)} disabled={loading}>{loading ? 'Loading…' : 'Refresh'}</button>
        <span className="spacer" />
        {reply !== null && (
          <span className="muted small">
            {zoom !== null ? `zoomed: ${duration(zoom[1] - zoom[0])}, ` : ''}{reply.h.points.length} points, {reply.h.reply.stepSeconds} s each{reply.h.points.length > reply.h.reply.points.length ? ', the last minutes finer' : ''}
          </span>
        )}
      </div>
      <p className="muted small hint-line">Drag across a chart to zoom into that span; “Zoom out” goes back to the preset.</p>
      {error !== null && <p className="form-error" role="alert">{error}</p>}
      <div className="charts charts-stacked">
        <Chart title="Guest instructions" unit="MIPS" x={x} xRange={xRange} onZoom={onZoom} series={[{ label: 'MIPS', color: '#4c9aff', values: s?.mips ?? [] }]} empty={empty} testId="history-mips" />
        <Chart title="Emulated clock" unit="MHz" x={x} xRange={xRange} onZoom={onZoom} series={[{ label: 'cycles', color: '#bc8cff', values: s?.cyclesM ?? [] }]} empty={empty} />
        <Chart title="Host CPU" unit="%" x={x} xRange={xRange} onZoom={onZoom} yRange={[0, 100]} series={[{ label: 'worker', color: '#3fb950', values: s?.hostCpu ?? [] }]} empty={empty} />
        {counterCharts(s?.rows ?? []).map((c) => (
          <Chart key={c.id} title={c.title} unit={c.unit} x={x} xRange={xRange} onZoom={onZoom} yRange={c.yRange} series={c.series} empty={empty} testId={`history-${c.id}`} />
        ))}
      </div>
    </section>
  );
}
