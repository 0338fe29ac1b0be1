import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { OracleResult } from '../oracle/price.js';

const W = 1000;
const H = 660;
const M = { left: 120, right: 90, top: 100, bottom: 120 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);

/**
 * The intraday price points as a self-contained SVG, drawn like the reference's plot: points within
 * price*(1±ax) (ax from the spread, oracle.md §8), the consensus price as a line, UTC time and
 * block height along the bottom.
 */
export function renderChartSvg(r: OracleResult, label: string): string {
  const lo = r.price * (1 - r.axRange);
  const hi = r.price * (1 + r.axRange);
  const tMin = Math.min(r.firstTime, r.lastTime);
  const tMax = Math.max(r.firstTime, r.lastTime, tMin + 1);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (t: number) => M.left + ((t - tMin) / (tMax - tMin)) * pw;
  const y = (p: number) => M.top + (1 - (p - lo) / (hi - lo)) * ph;
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
  const yTicks = Array.from({ length: 5 }, (_, i) => lo + ((hi - lo) * i) / 4);
  const xTicks = Array.from({ length: 5 }, (_, i) => tMin + ((tMax - tMin) * i) / 4);
  const heightAt = (t: number) =>
    Math.round(r.firstHeight + ((t - tMin) / (tMax - tMin)) * (r.lastHeight - r.firstHeight));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Arial, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="black"/>`,
    `<text x="${W / 2}" y="45" fill="white" font-size="26" text-anchor="middle">UTXOracle Consensus Price ${usd(r.price)}</text>`,
    `<text x="${W / 2}" y="75" fill="#bbb" font-size="16" text-anchor="middle">${esc(label)} · ${r.pointCount.toLocaleString('en-US')} points · confidence ${r.confidence.toFixed(2)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#666"/>`,
    ...yTicks.map(
      (p) => `<text x="${M.left - 10}" y="${y(p) + 5}" fill="white" font-size="14" text-anchor="end">${usd(p)}</text>`,
    ),
    ...xTicks.map(
      (t) =>
        `<text x="${x(t)}" y="${M.top + ph + 25}" fill="white" font-size="14" text-anchor="middle">${hhmm(t)} UTC</text>` +
        `<text x="${x(t)}" y="${M.top + ph + 45}" fill="#aaa" font-size="13" text-anchor="middle">${heightAt(t)}</text>`,
    ),
    `<text x="${M.left + pw / 2}" y="${H - 30}" fill="#ddd" font-size="15" text-anchor="middle">UTC time / block height</text>`,
    `<g fill="cyan" fill-opacity="0.8">${dots.join('')}</g>`,
    `<line x1="${M.left}" x2="${M.left + pw}" y1="${y(r.price)}" y2="${y(r.price)}" stroke="orange" stroke-width="2"/>`,
    `<text x="${M.left + pw + 5}" y="${y(r.price) + 5}" fill="orange" font-size="14">${usd(r.price)}</text>`,
    `</svg>`,
  ].join('\n');
}

export function renderChartHtml(r: OracleResult, label: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>UTXOracle ${esc(label)}</title></head>\n<body style="margin:0;background:black"><style>svg{display:block;max-width:100%;height:auto}</style>\n${renderChartSvg(r, label)}\n</body></html>\n`;
}

/** Writes FILE (HTML when it ends in .html/.htm, SVG otherwise) atomically; nothing on a dry run. */
export function writeChart(file: string, r: OracleResult, label: string, dryRun: boolean, log: Logger): void {
  const target = path.resolve(file);
  if (dryRun) {
    log.info({ chart: target }, '[DRY-RUN] Would write the chart');
    return;
  }
  const body = /\.html?$/i.test(target) ? renderChartHtml(r, label) : renderChartSvg(r, label);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, body);
  fs.renameSync(tmp, target);
  log.info({ chart: target }, `chart written to ${target}`);
}
