import { describe, expect, it } from 'vitest';
import { renderChartSvg } from '../../src/analyze/chart.js';
import type { OracleResult } from '../../src/oracle/price.js';
import { CHROMIUM, NO_CHROMIUM } from '../helpers/chromium.js';
import { drawChart, GREEN, near, ORANGE, useChromium } from './chartMarks.js';

// The intraday chart as Chromium draws it: round price ticks in order, the consensus line and the
// exchange's dashed line where their prices say, the points inside the plot.

/** A day's result with `n` points scattered around `price` (a chart's input, not an oracle run). */
function result(price: number, axRange: number, n = 3000): OracleResult {
  const prices = new Float64Array(n);
  const heights = new Uint32Array(n);
  const times = new Float64Array(n);
  let seed = 3;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < n; i++) {
    heights[i] = 880_000 + Math.floor((i / n) * 144);
    times[i] = 1_748_736_000 + (heights[i]! - 880_000) * 600;
    prices[i] = price * (1 + (rand() - 0.5) * 2 * axRange * 0.9);
  }
  return {
    price,
    roughPrice: Math.round(price),
    firstHeight: 880_000,
    lastHeight: 880_143,
    firstTime: 1_748_736_000,
    lastTime: 1_748_736_000 + 143 * 600,
    txCount: 400_000,
    outputCount: 90_000,
    pointCount: n,
    pointsInWindow: n,
    dev: 0,
    devPct: 0.1,
    axRange,
    confidence: 0.9,
    points: { prices, heights, times },
  };
}

describe.skipIf(!CHROMIUM)('the intraday chart in headless Chromium', () => {
  const chromium = useChromium();
  const draw = (svg: string) => drawChart(chromium(), svg);

  it('round price ticks, the consensus line and the exchange line where their prices are, the points inside', async () => {
    const { marks, png } = await draw(renderChartSvg(result(100_000, 0.05), 'blocks 880000-880143', 100_900));
    const ticks = marks.filter((m) => m.cls === 'price-tick');
    // 95,000..105,000: every 2,000 (chartAxis.test.ts), labelled as whole dollars.
    expect(ticks.map((t) => t.data.price)).toEqual(['96000', '98000', '100000', '102000', '104000']);
    expect(ticks.map((t) => t.text)).toEqual(['$96,000', '$98,000', '$100,000', '$102,000', '$104,000']);
    // Higher prices are higher on the page, evenly spaced.
    const ys = marks.filter((m) => m.cls === 'grid').map((g) => g.y + g.h / 2);
    for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeLessThan(ys[i - 1]!);
    const gap = ys[0]! - ys[1]!;
    for (let i = 1; i < ys.length; i++) expect(Math.abs(ys[i - 1]! - ys[i]! - gap)).toBeLessThan(0.6);
    const yOf = (p: number) => ys[0]! - ((p - 96_000) / 2_000) * gap;
    const line = marks.find((m) => m.cls === 'consensus')!;
    const exchange = marks.find((m) => m.cls === 'exchange')!;
    expect(Math.abs(line.y + line.h / 2 - yOf(100_000))).toBeLessThan(1.5);
    expect(Math.abs(exchange.y + exchange.h / 2 - yOf(100_900))).toBeLessThan(1.5);
    expect(exchange.dash).not.toBe('none');
    expect(marks.filter((m) => m.cls === 'legend').map((m) => m.text)).toEqual([
      'UTXOracle $100,000',
      'exchange (mempool) $100,900',
    ]);
    // The points sit inside the plot box, which spans the ticks' lines.
    const pts = marks.find((m) => m.cls === 'points')!;
    expect(pts.y).toBeGreaterThanOrEqual(ys.at(-1)! - gap);
    expect(pts.y + pts.h).toBeLessThanOrEqual(ys[0]! + gap);
    // And the browser painted them: orange at the consensus line, green on a dash of the exchange line.
    const cx = Math.round(line.x + 3);
    expect(near(await chromium().pixel(png, cx, Math.round(line.y + line.h / 2)), ORANGE)).toBe(true);
    expect(
      near(await chromium().pixel(png, Math.round(exchange.x + 3), Math.round(exchange.y + exchange.h / 2)), GREEN),
    ).toBe(true);
  });

  it('without an exchange price: no exchange line; one far off is named at the edge instead', async () => {
    const none = await draw(renderChartSvg(result(100_000, 0.05), 'x', null));
    expect(none.marks.some((m) => m.cls.startsWith('exchange'))).toBe(false);
    const far = await draw(renderChartSvg(result(100_000, 0.05), 'x', 120_000));
    expect(far.marks.some((m) => m.cls === 'exchange')).toBe(false);
    const off = far.marks.find((m) => m.cls === 'exchange-off')!;
    expect(off.text).toBe('exchange $120,000 ↑ above the chart');
    const top = Math.min(...far.marks.filter((m) => m.cls === 'price-tick').map((m) => m.y));
    expect(off.y).toBeLessThan(top + 60);
  });
});

if (!CHROMIUM) it.skip(NO_CHROMIUM, () => undefined);
