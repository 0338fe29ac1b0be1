import type { Logger } from '../log/logger.js';
import { COLORS, frame, niceTicks, PLOT, priceAxis, usd, writeChartFile } from './chartAxis.js';

/** One day of a range chart: the consensus price (null when the day is not priced) and the exchange's. */
export interface RangeDay {
  date: string;
  price: number | null;
  /** The exchange's price for the day (see rangeSeries.ts for where it comes from); null when unknown. */
  exchange: number | null;
}

/** Consecutive runs of known values as SVG path data: a missing day breaks the line. */
function pathOf(points: ({ x: number; y: number } | null)[]): string {
  let d = '';
  let open = false;
  for (const p of points) {
    if (!p) {
      open = false;
      continue;
    }
    d += `${open ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)} `;
    open = true;
  }
  return d.trim();
}

/**
 * Daily consensus prices over a range as a line with a dot per day, and the exchange's daily
 * price as a dashed line where it is known; dates along the bottom, round prices up the side.
 */
export function renderRangeChartSvg(days: readonly RangeDay[], from: string, to: string): string {
  const known = days.flatMap((d) => [d.price, d.exchange]).filter((v): v is number => v !== null);
  const min = known.length ? Math.min(...known) : 0;
  const max = known.length ? Math.max(...known) : 1;
  const pad = Math.max((max - min) * 0.08, max * 0.005, 1);
  const lo = min - pad;
  const hi = max + pad;
  const n = days.length;
  const x = (i: number) => PLOT.x + (n <= 1 ? PLOT.w / 2 : (i / (n - 1)) * PLOT.w);
  const y = (p: number) => PLOT.y + (1 - (p - lo) / (hi - lo)) * PLOT.h;
  const at = (v: number | null, i: number) => (v === null ? null : { x: x(i), y: y(v) });
  // At most ~10 date labels, always the first and the last.
  const every = Math.max(1, Math.ceil(n / 10));
  const labelled = days.map((_, i) => i).filter((i) => i % every === 0 || i === n - 1);
  const priced = days.filter((d) => d.price !== null);
  const withExchange = days.filter((d) => d.exchange !== null).length;
  const body = [
    ...priceAxis(niceTicks(lo, hi), y),
    ...labelled.map(
      (i) =>
        `<text class="date-tick" x="${x(i).toFixed(1)}" y="${PLOT.y + PLOT.h + 25}" fill="white" font-size="13" text-anchor="middle">${days[i]!.date.slice(5)}</text>`,
    ),
    `<text x="${PLOT.x + PLOT.w / 2}" y="${PLOT.y + PLOT.h + 90}" fill="#ddd" font-size="15" text-anchor="middle">UTC day (${from.slice(0, 4)})</text>`,
    `<path class="exchange" d="${pathOf(days.map((d, i) => at(d.exchange, i)))}" fill="none" stroke="${COLORS.exchange}" stroke-width="2" stroke-dasharray="8 5"/>`,
    `<path class="consensus" d="${pathOf(days.map((d, i) => at(d.price, i)))}" fill="none" stroke="${COLORS.consensus}" stroke-width="2.5"/>`,
    // A mark per known exchange day too: a lone day between unknown ones is a point, not a line.
    `<g class="exchange-days" fill="${COLORS.exchange}">${days
      .map((d, i) =>
        d.exchange === null
          ? ''
          : `<rect class="exchange-day" x="${(x(i) - 2.5).toFixed(1)}" y="${(y(d.exchange) - 2.5).toFixed(1)}" width="5" height="5" data-exchange-date="${d.date}"/>`,
      )
      .join('')}</g>`,
    `<g class="days" fill="${COLORS.consensus}">${days
      .map((d, i) =>
        d.price === null
          ? ''
          : `<circle class="day" cx="${x(i).toFixed(1)}" cy="${y(d.price).toFixed(1)}" r="4" data-date="${d.date}"/>`,
      )
      .join('')}</g>`,
  ];
  const last = [...priced].pop();
  const subtitle =
    `${priced.length} of ${n} days priced` +
    (last ? ` · ${last.date} ${usd(last.price!)}` : '') +
    ` · exchange: ${withExchange ? `${withExchange} days (daily mean of saved mempool prices)` : 'no saved mempool prices for these days'}`;
  return frame(`UTXOracle daily consensus price ${from} – ${to}`, subtitle, body, [
    ['UTXOracle (daily consensus)', COLORS.consensus, false],
    ['exchange (mempool, daily mean)', COLORS.exchange, true],
  ]);
}

export function writeRangeChart(
  file: string,
  days: readonly RangeDay[],
  from: string,
  to: string,
  dryRun: boolean,
  log: Logger,
): void {
  writeChartFile(file, renderRangeChartSvg(days, from, to), `UTXOracle ${from} – ${to}`, dryRun, log);
}
