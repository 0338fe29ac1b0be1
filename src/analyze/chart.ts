import type { Logger } from '../log/logger.js';
import type { OracleResult } from '../oracle/price.js';
import { COLORS, frame, niceTicks, PLOT, priceAxis, usd, writeChartFile } from './chartAxis.js';

const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);

/**
 * The intraday price points as a self-contained SVG, drawn like the reference's plot: points within
 * price*(1±ax) (ax from the spread, oracle.md §8), the consensus price as a line, UTC time and
 * block height along the bottom, prices at round numbers up the side. With `exchangeUsd` (recent
 * mode: mempool's price of the moment) a second, dashed line shows the exchange price; one
 * outside the plotted range is named at the edge it lies beyond.
 */
export function renderChartSvg(r: OracleResult, label: string, exchangeUsd: number | null = null): string {
  const lo = r.price * (1 - r.axRange);
  const hi = r.price * (1 + r.axRange);
  const tMin = Math.min(r.firstTime, r.lastTime);
  const tMax = Math.max(r.firstTime, r.lastTime, tMin + 1);
  const x = (t: number) => PLOT.x + ((t - tMin) / (tMax - tMin)) * PLOT.w;
  const y = (p: number) => PLOT.y + (1 - (p - lo) / (hi - lo)) * PLOT.h;
  // Points of one block share a time: spread them across the block's slot, as the reference does.
  const { prices, heights, times } = r.points;
  const perBlock = new Map<number, number>();
  for (const h of heights) perBlock.set(h, (perBlock.get(h) ?? 0) + 1);
  const seen = new Map<number, number>();
  const slot = (tMax - tMin) / Math.max(1, r.lastHeight - r.firstHeight + 1);
  const dots: string[] = [];
  for (let i = 0; i < prices.length; i++) {
    const price = prices[i]!;
    const height = heights[i]!;
    if (!(price > lo && price < hi)) continue;
    const k = seen.get(height) ?? 0;
    seen.set(height, k + 1);
    const t = times[i]! + (k / (perBlock.get(height) ?? 1)) * slot;
    dots.push(`<circle cx="${x(Math.min(t, tMax)).toFixed(1)}" cy="${y(price).toFixed(1)}" r="1.2"/>`);
  }
  const xTicks = Array.from({ length: 5 }, (_, i) => tMin + ((tMax - tMin) * i) / 4);
  const heightAt = (t: number) =>
    Math.round(r.firstHeight + ((t - tMin) / (tMax - tMin)) * (r.lastHeight - r.firstHeight));
  const body = [
    ...priceAxis(niceTicks(lo, hi), y),
    ...xTicks.map(
      (t) =>
        `<text x="${x(t)}" y="${PLOT.y + PLOT.h + 25}" fill="white" font-size="14" text-anchor="middle">${hhmm(t)} UTC</text>` +
        `<text x="${x(t)}" y="${PLOT.y + PLOT.h + 45}" fill="#aaa" font-size="13" text-anchor="middle">${heightAt(t)}</text>`,
    ),
    `<text x="${PLOT.x + PLOT.w / 2}" y="${PLOT.y + PLOT.h + 90}" fill="#ddd" font-size="15" text-anchor="middle">UTC time / block height</text>`,
    `<g class="points" fill="${COLORS.points}" fill-opacity="0.8">${dots.join('')}</g>`,
    `<line class="consensus" x1="${PLOT.x}" x2="${PLOT.x + PLOT.w}" y1="${y(r.price)}" y2="${y(r.price)}" stroke="${COLORS.consensus}" stroke-width="2"/>`,
    `<text x="${PLOT.x + PLOT.w + 5}" y="${y(r.price) + 5}" fill="${COLORS.consensus}" font-size="14">${usd(r.price)}</text>`,
  ];
  const legend: [string, string, boolean][] = [[`UTXOracle ${usd(r.price)}`, COLORS.consensus, false]];
  if (exchangeUsd !== null) {
    legend.push([`exchange (mempool) ${usd(exchangeUsd)}`, COLORS.exchange, true]);
    const ey = Math.min(PLOT.y + PLOT.h, Math.max(PLOT.y, y(exchangeUsd)));
    const inside = exchangeUsd >= lo && exchangeUsd <= hi;
    body.push(
      inside
        ? `<line class="exchange" x1="${PLOT.x}" x2="${PLOT.x + PLOT.w}" y1="${ey}" y2="${ey}" stroke="${COLORS.exchange}" stroke-width="2" stroke-dasharray="8 5"/>`
        : `<text class="exchange-off" x="${PLOT.x + PLOT.w - 8}" y="${ey + (exchangeUsd > hi ? 34 : -12)}" fill="${COLORS.exchange}" font-size="14" text-anchor="end">exchange ${usd(exchangeUsd)} ${exchangeUsd > hi ? '↑ above' : '↓ below'} the chart</text>`,
      `<text x="${PLOT.x + PLOT.w + 5}" y="${ey + (Math.abs(ey - y(r.price)) < 16 ? 21 : 5)}" fill="${COLORS.exchange}" font-size="14">${usd(exchangeUsd)}</text>`,
    );
  }
  return frame(
    `UTXOracle Consensus Price ${usd(r.price)}`,
    `${label} · ${r.pointCount.toLocaleString('en-US')} points · confidence ${r.confidence.toFixed(2)}`,
    body,
    legend,
  );
}

/** The intraday chart to FILE (HTML when it ends in .html/.htm, SVG otherwise), atomically; nothing on a dry run. */
export function writeChart(
  file: string,
  r: OracleResult,
  label: string,
  dryRun: boolean,
  log: Logger,
  exchangeUsd: number | null = null,
): void {
  writeChartFile(file, renderChartSvg(r, label, exchangeUsd), `UTXOracle ${label}`, dryRun, log);
}
