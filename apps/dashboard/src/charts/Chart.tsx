// A time-series chart on uPlot: x in seconds since the epoch, one or more series, sized to its
// box (ResizeObserver). Drag across it to zoom in, double-click to zoom out (uPlot's own cursor).
// With no points it says so instead of drawing an empty frame.
import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';

export interface SeriesDef {
  label: string;
  color: string;
  values: (number | null)[];
}

export interface ChartProps {
  title: string;
  unit: string;
  x: number[];
  series: SeriesDef[];
  height?: number;
  empty: string;
  /** Fixed y range (e.g. [0, 100] for percentages). */
  yRange?: [number, number];
  /** Keep this x range when the data does not cover it (history windows). */
  xRange?: [number, number];
  testId?: string;
  /** Called with the x range (seconds) the user dragged across; the chart then waits for new data. */
  onZoom?: (min: number, max: number) => void;
}

function fmt(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const s = a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit === '' ? s : `${s} ${unit}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Tick labels for the time axis: seconds for short spans, minutes for hours, dates for days. */
function timeTicks(u: uPlot, splits: number[]): string[] {
  const span = (u.scales.x!.max ?? 0) - (u.scales.x!.min ?? 0);
  return splits.map((v) => {
    const d = new Date(v * 1000);
    if (span <= 600) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    if (span <= 86_400 * 1.5) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${pad(d.getHours())}h`;
  });
}

export function Chart({ title, unit, x, series, height = 150, empty, yRange, xRange, testId, onZoom }: ChartProps): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoomRef = useRef(onZoom);
  zoomRef.current = onZoom;
  const shape = series.map((s) => `${s.label}:${s.color}`).join('|') + `|${yRange?.join(',') ?? ''}|${height}`;
  const data = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
  const hasData = x.length > 0;
  const last = series.map((s) => s.values.at(-1) ?? null);

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const axis = { stroke: '#8a94a3', grid: { stroke: '#222833', width: 1 }, ticks: { stroke: '#2b323d', width: 1 }, font: '11px system-ui, sans-serif' };
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 200), height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: onZoom === undefined } },
      scales: { x: { time: true }, y: yRange === undefined ? { range: (_u, min, max) => [Math.min(0, min), max <= 0 ? 1 : max * 1.1] } : { range: yRange } },
      axes: [{ ...axis, space: 70, values: timeTicks }, { ...axis, size: 48, values: (_u, v) => v.map((n) => fmt(n, '')) }],
      hooks: {
        setSelect: [(u) => {
          const cb = zoomRef.current;
          if (cb === undefined || u.select.width < 4) return;
          const min = u.posToVal(u.select.left, 'x');
          const max = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          cb(min, max);
        }],
      },
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, fill: `${s.color}22`, points: { show: false } }))],
    };
    const p = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    plot.current = p;
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(el.clientWidth, 200), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
    // Re-created only when the series change shape; data goes in with setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  useEffect(() => {
    const p = plot.current;
    if (p === null) return;
    p.setData(data, xRange === undefined);
    if (xRange !== undefined) p.setScale('x', { min: xRange[0], max: xRange[1] });
  });

  return (
    <figure className="chart" aria-label={`${title} chart`} data-testid={testId} data-points={x.length}>
      <figcaption className="chart-head">
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {series.map((s, i) => (
            <span key={s.label} className="chart-key"><i style={{ background: s.color }} aria-hidden="true" />{s.label} <b className="mono">{fmt(last[i] ?? null, unit)}</b></span>
          ))}
        </span>
      </figcaption>
      <div className="chart-body">
        <div ref={box} className="chart-plot" />
        {!hasData && <div className="chart-empty" role="note">{empty}</div>}
      </div>
    </figure>
  );
}
