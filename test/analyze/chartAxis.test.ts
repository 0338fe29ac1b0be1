import { describe, expect, it } from 'vitest';
import { niceStep, niceTicks } from '../../src/analyze/chartAxis.js';

// Round-number ticks: the step is 1, 2 or 5 times a power of ten, the smallest giving at most six
// ticks; the expected ticks below are worked out by hand from that rule.
describe('price ticks', () => {
  it.each([
    // the reference's y range for a $100,000 day with ax 0.05: 95,000..105,000 -> step 2,000
    [95_000, 105_000, [96_000, 98_000, 100_000, 102_000, 104_000]],
    // a $105,213.32 day, ax 0.1: 94,691.99..115,734.65 -> step 5,000
    [94_691.988, 115_734.652, [95_000, 100_000, 105_000, 110_000, 115_000]],
    // a narrow range: 103,950..104,120 -> step 50 (20 would give 9 ticks)
    [103_950, 104_120, [103_950, 104_000, 104_050, 104_100]],
    // a week of 60k-70k: step 2,000
    [59_100, 70_400, [60_000, 62_000, 64_000, 66_000, 68_000, 70_000]],
    // small numbers stay exact in decimal
    [0.12, 0.71, [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]],
  ])('%d..%d -> %j', (lo, hi, ticks) => {
    expect(niceTicks(lo, hi)).toEqual(ticks);
  });

  it('holds to the rule on random ranges: 1/2/5 x 10^k, at most 6 ticks, all inside, none skipped', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const lo = 1000 + rand() * 200_000;
      const hi = lo * (1.001 + rand() * 0.5);
      const step = niceStep(lo, hi);
      const mant = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      expect([1, 2, 5]).toContain(Math.round(mant * 1e9) / 1e9);
      const t = niceTicks(lo, hi);
      expect(t.length).toBeGreaterThanOrEqual(2);
      expect(t.length).toBeLessThanOrEqual(6);
      for (const v of t) {
        expect(v >= lo && v <= hi).toBe(true);
        expect(Math.abs(v / step - Math.round(v / step))).toBeLessThan(1e-9);
      }
      expect(t[0]! - step).toBeLessThan(lo);
      expect(t.at(-1)! + step).toBeGreaterThan(hi);
      // The next smaller step (5 -> 2 -> 1 -> 0.5) would give more than six.
      const smaller = mant === 1 ? step / 2 : mant === 2 ? step / 2 : (step * 2) / 5;
      expect(Math.floor(hi / smaller) - Math.ceil(lo / smaller) + 1).toBeGreaterThan(6);
    }
  });

  it.each([
    [5, 5],
    [6, 5],
    [Number.NaN, 1],
  ])('refuses the range %d..%d', (lo, hi) => {
    expect(() => niceTicks(lo, hi)).toThrow(RangeError);
  });
});
