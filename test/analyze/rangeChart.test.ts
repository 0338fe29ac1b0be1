import { describe, expect, it } from 'vitest';
import { renderRangeChartSvg, type RangeDay } from '../../src/analyze/rangeChart.js';
import { CHROMIUM, NO_CHROMIUM } from '../helpers/chromium.js';
import { drawChart, GREEN, near, ORANGE, useChromium } from './chartMarks.js';

// The range chart as Chromium draws it: a dot per priced day at its price, the consensus line
// broken where a day is missing, the exchange's dashed line only where it is known.

const DAYS: RangeDay[] = [
  { date: '2025-05-26', price: 101_000, exchange: null },
  { date: '2025-05-27', price: 102_500, exchange: null },
  { date: '2025-05-28', price: null, exchange: 103_000 }, // not priced (yet): a gap in the line
  { date: '2025-05-29', price: 104_000, exchange: 104_200 },
  { date: '2025-05-30', price: 103_000, exchange: 103_100 },
  { date: '2025-05-31', price: 105_500, exchange: 105_400 },
  { date: '2025-06-01', price: 106_000, exchange: 106_300 },
];

describe.skipIf(!CHROMIUM)('the range chart in headless Chromium', () => {
  const chromium = useChromium();

  it('puts each priced day at its price and date, breaks the line at the missing day, and draws the exchange where known', async () => {
    const { marks, paths, png } = await drawChart(chromium(), renderRangeChartSvg(DAYS, '2025-05-26', '2025-06-01'));

    // Round ticks over 101,000..106,300 plus padding: every 1,000 (at most six: 101,000..106,000).
    const ticks = marks.filter((m) => m.cls === 'price-tick');
    expect(ticks.map((t) => t.text)).toEqual(['$101,000', '$102,000', '$103,000', '$104,000', '$105,000', '$106,000']);
    const grid = marks.filter((m) => m.cls === 'grid').map((g) => g.y + g.h / 2);
    const per1000 = grid[0]! - grid[1]!;
    const yOf = (p: number) => grid[0]! - ((p - 101_000) / 1_000) * per1000;

    const dots = marks.filter((m) => m.data.date);
    // The exchange's days are marked too, at their prices (a lone known day would otherwise not show).
    const ex = marks.filter((m) => m.data.exchangeDate);
    expect(ex.map((m) => m.data.exchangeDate)).toEqual(DAYS.filter((d) => d.exchange !== null).map((d) => d.date));
    for (const m of ex) {
      const day = DAYS.find((d) => d.date === m.data.exchangeDate)!;
      expect(Math.abs(m.y + m.h / 2 - yOf(day.exchange!)), day.date).toBeLessThan(1.5);
    }
    expect(dots.map((d) => d.data.date)).toEqual(DAYS.filter((d) => d.price !== null).map((d) => d.date));
    const dates = marks.filter((m) => m.cls === 'date-tick');
    expect(dates.map((d) => d.text)).toEqual(['05-26', '05-27', '05-28', '05-29', '05-30', '05-31', '06-01']);
    for (const dot of dots) {
      const day = DAYS.find((d) => d.date === dot.data.date)!;
      expect(Math.abs(dot.y + dot.h / 2 - yOf(day.price!)), day.date).toBeLessThan(1.5);
      const label = dates.find((d) => d.text === day.date.slice(5))!;
      expect(Math.abs(dot.x + dot.w / 2 - (label.x + label.w / 2)), day.date).toBeLessThan(1.5);
    }
    // Two runs of the consensus line (26-27, 29-01); one of the exchange (28-01).
    expect(paths.consensus!.match(/M/g)).toHaveLength(2);
    expect(paths.consensus!.match(/[ML]/g)).toHaveLength(6);
    expect(paths.exchange!.match(/M/g)).toHaveLength(1);
    expect(paths.exchange!.match(/[ML]/g)).toHaveLength(5);
    expect(marks.find((m) => m.cls === 'exchange')!.dash).not.toBe('none');
    // Painted: orange at a day's dot, green where the exchange line starts (05-28, no dot there).
    const d29 = dots.find((d) => d.data.date === '2025-05-29')!;
    expect(
      near(await chromium().pixel(png, Math.round(d29.x + d29.w / 2), Math.round(d29.y + d29.h / 2)), ORANGE),
    ).toBe(true);
    // 2 px along the exchange line from its first point (05-28 at 103,000 towards 05-29 at 104,200).
    const x28 = dates.find((d) => d.text === '05-28')!;
    const x29 = dates.find((d) => d.text === '05-29')!;
    const run = x29.x + x29.w / 2 - (x28.x + x28.w / 2);
    const rise = yOf(103_000) - yOf(104_200);
    const along = 2 / Math.hypot(run, rise);
    const px = await chromium().pixel(
      png,
      Math.round(x28.x + x28.w / 2 + along * run),
      Math.round(yOf(103_000) - along * rise),
    );
    expect(near(px, GREEN, 90), String(px)).toBe(true);
  });

  it('a range with nothing priced and no exchange prices still draws, and says so', async () => {
    const svg = renderRangeChartSvg(
      [
        { date: '2025-01-01', price: null, exchange: null },
        { date: '2025-01-02', price: null, exchange: null },
      ],
      '2025-01-01',
      '2025-01-02',
    );
    const texts = (await drawChart(chromium(), svg)).marks.map((m) => m.text);
    expect(texts).toContain('0 of 2 days priced · exchange: no saved mempool prices for these days');
  });
});

if (!CHROMIUM) it.skip(NO_CHROMIUM, () => undefined);
