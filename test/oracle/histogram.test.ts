import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { BIN_COUNT, binEdges } from '../../src/oracle/binEdges.js';
import { ROUND_BTC_BINS, binBySearch, binOf, cleanAndNormalize, countBins } from '../../src/oracle/histogram.js';
import { prng } from '../chain/craft.js';
import { ulpStep } from './ulp.js';

/** The reference's bin search: guess from log10, walk up while edge <= amount, step back one. */
function referenceWalk(amount: number, edges: ArrayLike<number>): number {
  let est = Math.trunc(((Math.log10(amount) - -6) / 12) * 2401);
  while (edges[est]! <= amount) est++;
  return est - 1;
}

describe('bin assignment', () => {
  it('binOf agrees with the reference walk on every edge, one ulp either side, and 200k amounts', () => {
    const edges = binEdges();
    const probes: number[] = [];
    for (let i = 1; i < BIN_COUNT; i++) probes.push(edges[i]!, ulpStep(edges[i]!, 1), ulpStep(edges[i]!, -1));
    for (let k = 0; k < 200_000; k++) probes.push(10 ** (-5 + (10 * (k + 0.5)) / 200_000));
    for (let sats = 1001; sats < 3000; sats++) probes.push(sats / 1e8);
    probes.push(ulpStep(1e-5, 1), ulpStep(1e5, -1), 99999.99999999);
    const inRange = probes.filter((a) => 1e-5 < a && a < 1e5);
    const bad = inRange.filter((a) => binOf(a) !== referenceWalk(a, edges));
    expect(bad).toEqual([]);
    // the walk's guess never overshoots by more than one bin (so the walk is never wrong)
    const overshoot = inRange.reduce(
      (m, a) => Math.max(m, Math.trunc(((Math.log10(a) + 6) / 12) * 2401) - binOf(a)),
      -Infinity,
    );
    expect(overshoot).toBeLessThanOrEqual(1);
  });

  it("the bucket table gives the search's bin at every bucket start, one ulp either side, and far outside the edges", () => {
    const probes: number[] = [0, 5e-324, 1e-300, 1e300, Infinity];
    // Every 2^-8 step of the mantissa from 2^-21 to 2^21: each bucket's first double and its neighbours.
    for (let exp = -21; exp <= 21; exp++)
      for (let m = 0; m < 256; m++) {
        const start = 2 ** exp * (1 + m / 256);
        probes.push(start, ulpStep(start, 1), ulpStep(start, -1));
      }
    const rnd = prng(3);
    for (let k = 0; k < 100_000; k++) probes.push(10 ** (-9 + rnd() * 18));
    expect(probes.filter((a) => binOf(a) !== binBySearch(a))).toEqual([]);
  });

  it.each([
    [0, 0],
    [1e-6, 1],
    [0.001, 601],
    [ulpStep(0.001, -1), 600],
    [1, 1201],
    [1e5, 2201],
    [1e9, 2400],
    [Infinity, 2400],
    [5e-324, 0],
    [ulpStep(1e-6, -1), 0],
  ])('binOf(%d) = %d', (a, want) => {
    expect(binOf(a)).toBe(want);
  });

  it.each([[-1], [NaN]])('binOf(%d) throws', (a) => {
    expect(() => binOf(a)).toThrow(DataError);
  });
});

describe('clean and normalise (§4)', () => {
  it('zeroes tails, smooths round-BTC bins in order, normalises 201..1600 and caps at 0.008', () => {
    const c = new Float64Array(BIN_COUNT);
    c[100] = 50; // below 1e-5 BTC: dropped
    c[2000] = 50; // 100 BTC and up: dropped
    c[600] = 10;
    c[601] = 1000; // 0.001 BTC: replaced by (10 + 30) / 2 = 20
    c[602] = 30;
    c[200] = 7; // zeroed first, so bin 201 = (0 + c[202]) / 2
    c[202] = 4; // 201 -> 2
    c[1000] = 2; // 1001 = (c[1002] + c[1000]) / 2 = 1
    c[1600] = 100_000; // large enough that everything else stays under the cap
    const out = cleanAndNormalize(c);
    const sum = 10 + 20 + 30 + 2 + 4 + 2 + 1 + 100_000; // 100_069, exact
    expect(out[600]).toBe(10 / sum);
    expect(out[602]).toBe(30 / sum);
    expect(out[100]).toBe(0);
    expect(out[2000]).toBe(0);
    expect(out[200]).toBe(0);
    expect(out[201]).toBe(2 / sum);
    expect(out[601]).toBe(20 / sum);
    expect(out[1001]).toBe(1 / sum);
    expect(out[1600]).toBe(0.008); // 0.9993 capped
  });

  it('a round-BTC bin becomes the mean of its neighbours', () => {
    const c = new Float64Array(BIN_COUNT).fill(1);
    c[402] = 3;
    const out = cleanAndNormalize(c);
    expect(out[401]! / out[400]!).toBe(2);
    for (const r of ROUND_BTC_BINS) expect(out[r]).toBeGreaterThan(0);
  });

  it.each([
    ['all zero', new Float64Array(BIN_COUNT)],
    ['only outside 201..1600', countBins([0.000005, 500])],
    ['wrong size', new Float64Array(10)],
  ])('%s is a DataError', (_name, c) => {
    expect(() => cleanAndNormalize(c)).toThrow(DataError);
  });

  it('countBins counts each amount once in its bin', () => {
    const c = countBins([0.001, 0.001, 0.0010000001, 1]);
    expect(c[601]).toBe(3);
    expect(c[1201]).toBe(1);
    expect(c.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
