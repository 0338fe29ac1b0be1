import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { BIN_COUNT } from '../../src/oracle/binEdges.js';
import { central, centralSorted, finalPrice } from '../../src/oracle/centralPrice.js';
import { confidence } from '../../src/oracle/confidence.js';
import { ROUND_USD, intradayPoints } from '../../src/oracle/intraday.js';
import { MicroRoundFilter, microRoundAmounts } from '../../src/oracle/microRound.js';
import { roughPrice } from '../../src/oracle/roughPrice.js';
import { spikeStencil } from '../../src/oracle/stencils.js';
import { prng } from '../chain/craft.js';
import { ulpStep } from './ulp.js';

/** A normalised histogram: the spike stencil laid at `slide` (times scale), plus single bins. */
function hist(opts: { spikeAt?: number; scale?: number; bins?: Array<[number, number]> }): Float64Array {
  const h = new Float64Array(BIN_COUNT);
  if (opts.spikeAt !== undefined)
    spikeStencil().forEach((w, n) => (h[199 + opts.spikeAt! + n]! += w * (opts.scale ?? 1)));
  for (const [b, v] of opts.bins ?? []) h[b]! += v;
  return h;
}

// Expected values: CPython running the reference's own stencil and slide lines (UTXOracle.py v9.1,
// from `num_elements = 803` to `rough_price_estimate = int(...)`) on the same histograms.
describe('rough price (§6)', () => {
  it.each([
    ['$100 spike at slide 100', { spikeAt: 100 }, 31545, 100, 1, 0.00034701966170069826],
    ['spike at slide 170 (smooth not scored)', { spikeAt: 170 }, 14079, 170, 1, 0.00027201919495614733],
    ['spike at the first slide', { spikeAt: -141 }, 505636, -141, 1, 0.00034701966170069826],
    ['spike at the last slide', { spikeAt: 200 }, 9967, 200, 1, 0.00027201919495614733],
    ['one bin at 0.001 BTC', { bins: [[601, 0.008]] as Array<[number, number]> }, 99256, 1, -1, 5.8228956466802785e-5],
    [
      'two bins, down neighbour',
      {
        bins: [
          [700, 0.004],
          [900, 0.004],
        ] as Array<[number, number]>,
      },
      31747,
      100,
      -1,
      4.71435336829409e-5,
    ],
    [
      'half spike at 0 plus noise',
      { spikeAt: 0, scale: 0.5, bins: [[650, 0.003]] as Array<[number, number]> },
      99775,
      0,
      1,
      0.00017681720617036042,
    ],
  ])('%s', (_name, h, price, bestSlide, neighbour, bestScore) => {
    const r = roughPrice(hist(h));
    expect(r).toMatchObject({ price, bestSlide, neighbour, bestScore });
  });

  it.each([
    // the reference divides by zero here (ZeroDivisionError): no slide ever sees this mass
    [
      'mass only above every slide window (bins 1300, 1500)',
      hist({
        bins: [
          [1300, 0.5],
          [1500, 0.5],
        ],
      }),
    ],
    ['all zero', new Float64Array(BIN_COUNT)],
    ['wrong size', new Float64Array(5)],
  ])('%s is a DataError', (_name, h) => {
    expect(() => roughPrice(h)).toThrow(DataError);
  });
});

describe('intraday points (§7)', () => {
  const at = (amounts: number[]) => ({
    amounts: Float64Array.from(amounts),
    heights: Uint32Array.from(amounts, (_, i) => 10 + i),
    times: Float64Array.from(amounts, (_, i) => 1000 + i),
  });

  it('one point per round USD whose ±25% band holds the amount', () => {
    // rough 50,000: $100 is 0.002 BTC (band 0.0015..0.0025), $150 is 0.003 (band 0.00225..0.00375);
    // 0.00243 is in both (and 0.0001 away from any micro-round amount), so it gives two points.
    const p = intradayPoints(at([0.00243]), 50_000);
    expect(Array.from(p.prices)).toEqual([100 / 0.00243, 150 / 0.00243]);
    expect(Array.from(p.heights)).toEqual([10, 10]);
    expect(Array.from(p.times)).toEqual([1000, 1000]);
  });

  it.each([
    ['a micro-round amount', 0.002],
    ['within 0.01% of one', 0.002 * 1.00009],
    ['the drifting micro-round 0.00007000000000000001', 7.000000000000001e-5],
  ])('excludes %s', (_name, n) => {
    expect(intradayPoints(at([n]), 50_000).prices.length).toBe(0);
  });

  it('keeps an amount just outside the micro-round window', () => {
    expect(intradayPoints(at([0.002 * 1.00011]), 50_000).prices.length).toBe(1);
  });

  it("gives the points the reference's every-band loop gives, in its order, near every band edge and micro-round amount", () => {
    // The reference's loop, literally: every band in turn, the micro-round test at the first hit.
    const micro = new MicroRoundFilter();
    const literal = (amounts: Float64Array, rough: number): number[] => {
      const out: number[] = [];
      for (const n of amounts) {
        for (const usd of ROUND_USD) {
          const av = usd / rough;
          if (!(av - 0.25 * av < n && n < av + 0.25 * av)) continue;
          if (micro.excludes(n)) break;
          out.push(usd / n);
        }
      }
      return out;
    };
    const rnd = prng(11);
    for (const rough of [1, 9_999, 50_000, 105_136, 123_457, 2_000_000]) {
      const edges = ROUND_USD.flatMap((usd) => {
        const av = usd / rough;
        return [av - 0.25 * av, av + 0.25 * av, av];
      });
      const amounts = Float64Array.from(
        [
          ...edges.flatMap((e) => [e, ulpStep(e, 1), ulpStep(e, -1)]),
          ...microRoundAmounts().flatMap((r) => [r, r * 1.00009, r * 1.00011]),
          ...Array.from({ length: 20_000 }, () => 10 ** (-6 + rnd() * 6)),
        ].filter((n) => n > 0),
      );
      const p = intradayPoints(at(Array.from(amounts)), rough);
      expect(Array.from(p.prices)).toEqual(literal(amounts, rough));
    }
  });

  it.each([[0], [-5], [1.5], [NaN]])('rough %d is a DataError', (r) => {
    expect(() => intradayPoints(at([0.001]), r)).toThrow(DataError);
  });
});

describe('central price (§8)', () => {
  it.each([
    // [1,2,3,4]: distance sums 6,4,4,6 -> first minimum is 2; |p-2| sorted 0,1,1,2 -> MAD 1
    ['even count, tie', [4, 1, 3, 2], 0, 10, 2, 1, 4],
    // [1,2,10]: sums 10,9,17 -> 2; deviations 0,1,8 -> 1
    ['odd count', [10, 2, 1], 0, 100, 2, 1, 3],
    ['bounds are strict', [1, 2, 3, 4, 5], 1, 5, 3, 1, 3],
    ['single point', [7], 0, 10, 7, 0, 1],
  ])('%s', (_name, pts, lo, hi, price, mad, count) => {
    expect(central(pts, lo, hi)).toEqual({ price, mad, count });
  });

  it('sorts points above zero by their bits exactly as by value: subnormals, ties, exponents apart', () => {
    const rnd = prng(5);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(rnd() * 400);
      const pts = Array.from({ length: n }, () => {
        const pick = rnd();
        if (pick < 0.1) return 5e-324 * (1 + Math.floor(rnd() * 4)); // subnormal
        if (pick < 0.4) return 100 + Math.floor(rnd() * 4); // ties
        return 10 ** (-300 + rnd() * 600);
      });
      const lo = round % 3 === 0 ? 0 : 1e-200;
      const hi = round % 2 ? Infinity : 1e200;
      const sorted = Float64Array.from(pts.filter((p) => lo < p && p < hi)).sort((a, b) => a - b);
      if (sorted.length === 0) continue;
      expect(central(pts, lo, hi)).toEqual(centralSorted(sorted, lo, hi));
    }
  });

  it('the median distance without a sort equals sorting the distances, on many random sets with ties', () => {
    const rnd = prng(7);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(rnd() * 60);
      // Few distinct values (ties everywhere) in some rounds, fine-grained doubles in others.
      const pts = Array.from({ length: n }, () =>
        round % 2 ? 90 + Math.floor(rnd() * 8) : 90 + rnd() * 20 + rnd() * 1e-9,
      );
      const c = central(pts, 89.5, 110);
      const kept = pts.filter((p) => 89.5 < p && p < 110);
      const dev = kept.map((x) => Math.abs(x - c.price)).sort((a, b) => a - b);
      const m = kept.length;
      const want = m % 2 === 0 ? (dev[m / 2 - 1]! + dev[m / 2]!) / 2 : dev[(m - 1) / 2]!;
      expect(c.mad, `round ${round}`).toBe(want);
    }
  });

  it('finalPrice sorting only the points near rough gives what central() over all points gives', () => {
    const rnd = prng(11);
    for (let round = 0; round < 100; round++) {
      const rough = 50_000 + Math.floor(rnd() * 60_000);
      // Spread wide on purpose: many points outside both windows, some right at their edges.
      const pts = Array.from({ length: 50 + Math.floor(rnd() * 400) }, () => rough * (0.7 + rnd() * 0.6));
      pts.push(rough * 0.95, rough * 1.05, rough * 0.855, rough * 1.155);
      const c = central(pts, rough - 0.05 * rough, rough + 0.05 * rough);
      const up = c.price + 0.1 * c.price;
      const dn = c.price - 0.1 * c.price;
      const f = finalPrice(pts, rough);
      expect([f.price, f.pointsInWindow, f.dev], `round ${round}`).toEqual([
        c.price,
        c.count,
        central(pts, dn, up).mad,
      ]);
    }
  });

  it('no points in the window is a DataError', () => {
    expect(() => central([1, 2, 3], 3, 10)).toThrow(DataError);
    expect(() => central([], 0, 10)).toThrow(/no intraday price points/);
  });

  it('finalPrice: one pass at rough ± 5%, spread at ± 10% as the reference writes it', () => {
    const pts = [95.5, 99, 100, 101, 103, 108, 200];
    const f = finalPrice(pts, 100);
    expect(f.price).toBe(100); // from 95.5..103 (108 and 200 are outside 95..105)
    expect(f.pointsInWindow).toBe(5);
    // ±10% of 100: 90 < p < 110 -> 95.5,99,100,101,103,108; |p-100| = 4.5,1,0,1,3,8 -> (1+3)/2
    expect(f.dev).toBe(2);
    expect(f.devPct).toBe(2 / (100 + 0.1 * 100 - (100 - 0.1 * 100)));
    expect(f.axRange).toBe(0.05);
  });
});

describe('confidence', () => {
  it.each([
    [1000, 0.1, 0.5],
    [1000, 0.25, 0],
    [3000, 0.175, 0.375],
    [0, 0.1, 0],
    [NaN, 0.1, 0],
    [1000, NaN, 0],
    [Infinity, 0.1, 0],
    [1000, -0.1, 0],
    [1e12, 0, 0.999999999],
  ])('confidence(%d points, devPct %d) = %d', (n, d, want) => {
    const c = confidence(n, d);
    expect(c).toBeCloseTo(want, 9);
    expect(c >= 0 && c <= 1).toBe(true);
  });

  it('grows with points and shrinks with spread', () => {
    expect(confidence(5000, 0.15)).toBeGreaterThan(confidence(500, 0.15));
    expect(confidence(5000, 0.12)).toBeGreaterThan(confidence(5000, 0.2));
  });
});
