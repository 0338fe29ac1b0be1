// What the two charts share: round-number price ticks, the page's frame (title, plot box, legend)
// and the writing of the file.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';

export const W = 1000;
export const H = 660;
export const M = { left: 120, right: 110, top: 100, bottom: 120 };
export const PLOT = { x: M.left, y: M.top, w: W - M.left - M.right, h: H - M.top - M.bottom };
export const COLORS = { consensus: 'orange', exchange: '#3ddc84', points: 'cyan', axis: '#666', text: 'white' };

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;

/**
 * The step between price ticks: 1, 2 or 5 times a power of ten, the smallest that puts at most
 * `maxTicks` ticks in [lo, hi] (so $102,000 / $104,000 rather than $101,873.41).
 */
export function niceStep(lo: number, hi: number, maxTicks = 6): number {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`bad axis range ${lo}..${hi}`);
  const raw = (hi - lo) / maxTicks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const k of [1, 2, 5, 10]) {
    const step = k * pow;
    if (Math.floor(hi / step) - Math.ceil(lo / step) + 1 <= maxTicks) return step;
  }
  return 10 * pow;
}

/** The multiples of niceStep within [lo, hi], as exact as decimal arithmetic allows. */
export function niceTicks(lo: number, hi: number, maxTicks = 6): number[] {
  const step = niceStep(lo, hi, maxTicks);
  const out: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** The black page, its title lines and the plot's box; the chart's own marks go inside. */
export function frame(title: string, subtitle: string, body: string[], legend: [string, string, boolean][]): string {
  const items = legend.map(
    ([label, color, dashed], i) =>
      `<g class="legend" transform="translate(${PLOT.x + 10 + i * 230},${PLOT.y + 18})">` +
      `<line x1="0" x2="28" y1="-5" y2="-5" stroke="${color}" stroke-width="3"${dashed ? ' stroke-dasharray="8 5"' : ''}/>` +
      `<text x="36" y="0" fill="${COLORS.text}" font-size="14">${esc(label)}</text></g>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Arial, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="black"/>`,
    `<text x="${W / 2}" y="45" fill="${COLORS.text}" font-size="26" text-anchor="middle">${esc(title)}</text>`,
    `<text x="${W / 2}" y="75" fill="#bbb" font-size="16" text-anchor="middle">${esc(subtitle)}</text>`,
    `<rect x="${PLOT.x}" y="${PLOT.y}" width="${PLOT.w}" height="${PLOT.h}" fill="none" stroke="${COLORS.axis}"/>`,
    ...body,
    // The legend sits on the plot: a dark band keeps it readable over the points.
    `<rect class="legend-band" x="${PLOT.x + 1}" y="${PLOT.y + 1}" width="${Math.min(PLOT.w - 2, 20 + legend.length * 230)}" height="26" fill="black" fill-opacity="0.75"/>`,
    ...items,
    `</svg>`,
  ].join('\n');
}

/** Horizontal grid lines and labels at round prices; `y` maps a price to the page. */
export function priceAxis(ticks: number[], y: (p: number) => number): string[] {
  return ticks.map(
    (p) =>
      `<g class="price-tick" data-price="${p}"><line class="grid" x1="${PLOT.x}" x2="${PLOT.x + PLOT.w}" y1="${y(p).toFixed(1)}" y2="${y(p).toFixed(1)}" stroke="#333"/>` +
      `<text x="${PLOT.x - 10}" y="${(y(p) + 5).toFixed(1)}" fill="${COLORS.text}" font-size="14" text-anchor="end">${usd(p)}</text></g>`,
  );
}

export function chartHtml(svg: string, title: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${esc(title)}</title></head>\n<body style="margin:0;background:black"><style>svg{display:block;max-width:100%;height:auto}</style>\n${svg}\n</body></html>\n`;
}

/** Writes FILE (HTML when it ends in .html/.htm, SVG otherwise) atomically; nothing on a dry run. */
export function writeChartFile(file: string, svg: string, title: string, dryRun: boolean, log: Logger): void {
  const target = path.resolve(file);
  if (dryRun) {
    log.info({ chart: target }, '[DRY-RUN] Would write the chart');
    return;
  }
  const body = /\.html?$/i.test(target) ? chartHtml(svg, title) : svg;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, body);
  fs.renameSync(tmp, target);
  log.info({ chart: target }, `chart written to ${target}`);
}
