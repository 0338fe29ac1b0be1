// Draws grafana/utxoracle.json as an HTML page for the README's picture, from the answers a real
// Prometheus gave to each panel's own query. Not Grafana (Grafana is not in Debian's archive): a
// plain layout of the same grid, titles, units, thresholds and value mappings, labelled as such.
import { niceTicks } from '../../src/analyze/chartAxis.js';

export interface Step {
  color: string;
  value: number | null;
}
export interface FieldDefaults {
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  thresholds?: { steps: Step[] };
  mappings?: { type: string; options: Record<string, { text: string; color?: string }> }[];
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults: FieldDefaults };
  targets?: { expr: string; legendFormat?: string; refId: string }[];
}
/** One series a panel's target returned over the picture's time range. */
export interface Series {
  name: string;
  points: [number, number][];
}

const COLOR: Record<string, string> = {
  green: '#73bf69',
  yellow: '#fade2a',
  red: '#f2495c',
  blue: '#5794f2',
  orange: '#ff9830',
};
const PALETTE = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1'];
const colorOf = (c: string | undefined) => (c ? (COLOR[c] ?? c) : '#ccccdc');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function duration(s: number): string {
  if (Math.abs(s) < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (Math.abs(s) < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  if (Math.abs(s) < 3600) return `${(s / 60).toFixed(1)} min`;
  if (Math.abs(s) < 86_400) return `${(s / 3600).toFixed(1)} hour`;
  return `${(s / 86_400).toFixed(1)} day`;
}

/** A value as the panel's unit and decimals say (the units this dashboard uses). */
export function formatValue(v: number, d: FieldDefaults): string {
  const dec = d.decimals;
  const fixed = (x: number, dflt: number) =>
    x.toLocaleString('en-US', { minimumFractionDigits: dec ?? dflt, maximumFractionDigits: dec ?? dflt });
  switch (d.unit) {
    case 'currencyUSD':
      return `${v < 0 ? '-' : ''}$${fixed(Math.abs(v), 2)}`;
    case 'percentunit':
      return `${fixed(v * 100, 1)}%`;
    case 's':
      return duration(v);
    case 'bytes': {
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${fixed(v, 1)} ${units[i]}`;
    }
    default:
      if (d.unit?.startsWith('suffix:')) return `${fixed(v, 2)}${d.unit.slice(7)}`;
      return fixed(v, Number.isInteger(v) ? 0 : 3);
  }
}

/** The mapped text and colour of a value, else its formatted text and its threshold colour. */
export function display(v: number, d: FieldDefaults): { text: string; color: string } {
  for (const m of d.mappings ?? []) {
    const hit = m.type === 'value' ? m.options[String(v)] : undefined;
    if (hit) return { text: hit.text, color: colorOf(hit.color) };
  }
  let color: string | undefined;
  for (const s of d.thresholds?.steps ?? []) if (s.value === null || v >= s.value) color = s.color;
  return { text: formatValue(v, d), color: colorOf(color) };
}

const hms = (t: number) => new Date(t * 1000).toISOString().slice(11, 19);

function statBody(series: Series[], d: FieldDefaults, w: number, h: number): string {
  const last = series[0]?.points.at(-1)?.[1];
  if (last === undefined) return `<div class="nodata">No data</div>`;
  const { text, color } = display(last, d);
  const size = Math.max(16, Math.min(h * 0.42, (w * 0.85) / (Math.max(4, text.length) * 0.7)));
  return `<div class="stat" style="color:${color};font-size:${size.toFixed(0)}px">${esc(text)}</div>`;
}

function timeseriesBody(series: Series[], d: FieldDefaults, w: number, h: number, t0: number, t1: number): string {
  const all = series.flatMap((s) => s.points.map((p) => p[1]));
  if (all.length === 0) return `<div class="nodata">No data</div>`;
  const vMin = Math.min(...all);
  const vMax = Math.max(...all);
  // A flat line gets a band around it; lines get room above and below, as Grafana leaves; a
  // panel's own min/max stand.
  const span = vMax - vMin > Math.abs(vMax) * 1e-6 ? (vMax - vMin) * 0.08 : Math.abs(vMax) * 0.1 || 1;
  const lo = d.min ?? vMin - span;
  const hi = d.max ?? (vMax + span > lo ? vMax + span : lo + 1);
  const legendH = 18 * Math.ceil(series.length / 2) + 6;
  const L = 86;
  const pw = w - L - 10;
  const ph = h - legendH - 24;
  const x = (t: number) => L + ((t - t0) / (t1 - t0)) * pw;
  const y = (v: number) => 6 + (1 - (v - lo) / (hi - lo)) * ph;
  const ticks = niceTicks(lo, hi, 4);
  // Enough decimals on the axis to tell its ticks apart (0, 0.5, 1 rather than 0, 1, 1).
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const tickDecimals = Math.max(
    d.decimals ?? 2,
    Math.ceil(-Math.log10(step * (d.unit === 'percentunit' ? 100 : 1)) - 1e-9),
    0,
  );
  const parts = ticks.map(
    (v) =>
      `<line x1="${L}" x2="${L + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#2b2d31"/>` +
      `<text x="${L - 6}" y="${y(v) + 4}" fill="#9fa7b3" font-size="11" text-anchor="end">${esc(formatValue(v, { ...d, decimals: tickDecimals }))}</text>`,
  );
  for (const [t, anchor] of [
    [t0, 'start'],
    [(t0 + t1) / 2, 'middle'],
    [t1, 'end'],
  ] as const)
    parts.push(
      `<text x="${x(t)}" y="${ph + 22}" fill="#9fa7b3" font-size="11" text-anchor="${anchor}">${hms(t)}</text>`,
    );
  series.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length];
    const pts = s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="2"/>`);
    const lx = 10 + (i % 2) * (w / 2);
    const ly = ph + 40 + Math.floor(i / 2) * 18;
    parts.push(
      `<rect x="${lx}" y="${ly - 8}" width="14" height="4" fill="${c}"/><text x="${lx + 20}" y="${ly - 2}" fill="#ccccdc" font-size="12">${esc(s.name)}</text>`,
    );
  });
  return `<svg width="${w}" height="${h}">${parts.join('')}</svg>`;
}

function stateTimelineBody(series: Series[], d: FieldDefaults, w: number, h: number, t0: number, t1: number): string {
  if (series.length === 0) return `<div class="nodata">No data</div>`;
  const L = 130;
  const rowH = Math.min(26, (h - 24) / series.length);
  const x = (t: number) => L + ((t - t0) / (t1 - t0)) * (w - L - 10);
  const parts = series.map((s, i) => {
    const yy = 4 + i * rowH;
    // Consecutive equal values make one segment, labelled with its state (Grafana's mergeValues).
    const runs: { from: number; to: number; v: number }[] = [];
    for (const [k, [t, v]] of s.points.entries()) {
      const to = s.points[k + 1]?.[0] ?? t1;
      const last = runs.at(-1);
      if (last && last.v === v) last.to = to;
      else runs.push({ from: t, to, v });
    }
    const segs = runs.map(({ from, to, v }) => {
      const { text, color } = display(v, d);
      const width = Math.max(1, x(to) - x(from));
      return (
        `<rect x="${x(from).toFixed(1)}" y="${yy}" width="${width.toFixed(1)}" height="${rowH - 3}" ` +
        `fill="${color}" fill-opacity="0.8"/>` +
        `<text x="${x(from) + 6}" y="${yy + rowH / 2 + 2}" fill="#111" font-size="11">${esc(text)}</text>`
      );
    });
    return `<text x="${L - 6}" y="${yy + rowH / 2 + 2}" fill="#ccccdc" font-size="12" text-anchor="end">${esc(s.name)}</text>${segs.join('')}`;
  });
  parts.push(
    `<text x="${L}" y="${h - 6}" fill="#9fa7b3" font-size="11">${hms(t0)}</text><text x="${w - 10}" y="${h - 6}" fill="#9fa7b3" font-size="11" text-anchor="end">${hms(t1)}</text>`,
  );
  return `<svg width="${w}" height="${h}">${parts.join('')}</svg>`;
}

export const GRID = { width: 1600, rowPx: 30, gap: 8 };

/** The page: the caption that says what this is, then each panel at its grid position. */
export function dashboardHtml(
  title: string,
  caption: string,
  panels: Panel[],
  data: Map<number, Series[]>,
  t0: number,
  t1: number,
): string {
  const colPx = GRID.width / 24;
  const top = 92;
  const boxes = panels.map((p) => {
    const g = p.gridPos;
    const left = g.x * colPx + GRID.gap / 2;
    const y = top + g.y * (GRID.rowPx + GRID.gap);
    const w = g.w * colPx - GRID.gap;
    const h = g.h * (GRID.rowPx + GRID.gap) - GRID.gap;
    if (p.type === 'row')
      return `<div class="row" style="left:${left}px;top:${y}px;width:${w}px">${esc(p.title)}</div>`;
    const d = p.fieldConfig?.defaults ?? {};
    const series = data.get(p.id) ?? [];
    const inner = h - 30;
    const body =
      p.type === 'stat'
        ? statBody(series, d, w, inner)
        : p.type === 'state-timeline'
          ? stateTimelineBody(series, d, w, inner, t0, t1)
          : timeseriesBody(series, d, w, inner, t0, t1);
    return `<div class="panel" style="left:${left}px;top:${y}px;width:${w}px;height:${h}px"><div class="title">${esc(p.title)}</div><div class="body" style="height:${inner}px">${body}</div></div>`;
  });
  const height = top + Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h)) * (GRID.rowPx + GRID.gap) + 8;
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#111217;font-family:Arial,Helvetica,sans-serif;color:#ccccdc;width:${GRID.width}px;height:${height}px;position:relative}
.head{position:absolute;left:8px;top:8px;right:8px}
.head h1{font-size:22px;margin:0 0 6px 0;font-weight:normal}
.head p{font-size:13px;margin:0;color:#ff9830}
.panel{position:absolute;background:#181b1f;border:1px solid #2b2d31;border-radius:2px;box-sizing:border-box;overflow:hidden}
.title{height:30px;line-height:30px;padding:0 8px;font-size:14px;font-weight:500;white-space:nowrap;overflow:hidden}
.body{position:relative;display:flex;align-items:center;justify-content:center}
.stat{font-weight:500;white-space:nowrap}
.nodata{color:#6e7279;font-size:14px}
.row{position:absolute;height:30px;line-height:30px;font-size:16px;color:#ccccdc;border-bottom:1px solid #2b2d31}
</style></head><body><div class="head"><h1>${esc(title)}</h1><p>${esc(caption)}</p></div>${boxes.join('\n')}</body></html>`;
}
