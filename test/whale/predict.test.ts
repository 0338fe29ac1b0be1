// Urgency and predicted height against projected blocks, and the accuracy figures, by hand.
import { describe, expect, it } from 'vitest';
import { accuracyLevel, median, periodStats, type ReportRow } from '../../src/whale/accuracy.js';
import { predictHeight, withinWindow } from '../../src/whale/predict.js';
import { WhaleTracker } from '../../src/whale/tracker.js';
import { urgencyScore } from '../../src/whale/urgency.js';
import { projected } from './helpers.js';

// Four projected blocks with floors 20, 10, 5, 2 sat/vB; the next block's median is 30.
const blocks = [projected(20, 30), projected(10, 15), projected(5, 7), projected(2, 3)];

describe('urgency (documented in src/whale/urgency.ts)', () => {
  it.each([
    [100, 1], // above the next block's median
    [30, 1], // at the median
    [25, 0.75 + 0.25 * 0.5], // halfway from floor to median
    [20, 0.75], // the next block's floor
    [15, 0.75 * (1 - 1 / 4) + (0.75 / 4) * 0.5], // halfway between block 1's floor (10) and block 0's (20)
    [10, 0.75 * (3 / 4)],
    [2, 0.75 * (1 / 4)],
    [1, (0.75 / 4) * 0.5], // below every block: a quarter step scaled by 1/2
    [0, 0],
    [-1, 0],
    [Number.NaN, 0],
  ])('rate %s -> %s', (rate, want) => expect(urgencyScore(rate, blocks)).toBeCloseTo(want, 12));

  it('is 1 with an empty projection (empty mempool)', () => expect(urgencyScore(1, [])).toBe(1));

  it('never decreases as the fee rate rises', () => {
    let prev = -1;
    for (let r = 0; r <= 60; r += 0.25) {
      const u = urgencyScore(r, blocks);
      expect(u).toBeGreaterThanOrEqual(prev);
      expect(u).toBeLessThanOrEqual(1);
      prev = u;
    }
  });
});

describe('predicted height and window', () => {
  it.each([
    [25, 850_000, 850_001],
    [20, 850_000, 850_001],
    [19.99, 850_000, 850_002],
    [5, 850_000, 850_003],
    [1, 850_000, 850_005], // beyond the projection
  ])('rate %s at tip %s -> %s', (rate, tip, want) =>
    expect(predictHeight(rate, tip, blocks)).toEqual({ predictedHeight: want, window: 2 }),
  );

  it.each([
    [null, 850_000, blocks],
    [5, undefined, blocks],
    [5, 850_000, undefined],
  ] as const)('no prediction without rate/tip/projection (%s, %s)', (rate, tip, b) =>
    expect(predictHeight(rate, tip, b)).toBeUndefined(),
  );

  it.each([
    [850_003, 850_001, 2, true],
    [849_999, 850_001, 2, true],
    [850_004, 850_001, 2, false],
    [849_998, 850_001, 2, false],
  ])('confirmed %s vs predicted %s ±%s -> %s', (h, p, w, want) => expect(withinWindow(h, p, w)).toBe(want));
});

describe('tracker', () => {
  it('evicts the oldest beyond the cap', () => {
    const t = new WhaleTracker(2);
    const mk = (txid: string) => ({
      txid,
      rootTxid: txid,
      detectedAtMs: 0,
      predictedHeight: null,
      window: null,
      ancestors: [],
      spends: [],
    });
    expect(t.add(mk('a'))).toEqual([]);
    t.add(mk('b'));
    expect(t.add(mk('c')).map((x) => x.txid)).toEqual(['a']);
    expect(t.list().map((x) => x.txid)).toEqual(['b', 'c']);
    expect(t.evicted).toBe(1);
    expect(() => new WhaleTracker(0)).toThrow(RangeError);
  });
});

describe('accuracy figures on rows computed by hand', () => {
  const now = Date.parse('2025-04-10T12:00:00Z');
  const ago = (min: number) => new Date(now - min * 60_000);
  const row = (
    txid: string,
    min: number,
    pred: number | null,
    outcome: ReportRow['outcome'],
    height: number | null = null,
    minutes: number | null = null,
    root = txid,
  ): ReportRow => ({
    txid,
    rootTxid: root,
    detectedAt: ago(min),
    predictedHeight: pred,
    predictedWindow: pred === null ? null : 2,
    outcome,
    confirmedHeight: height,
    minutesToConfirm: minutes,
  });
  const rows: ReportRow[] = [
    row('a', 30, 100, 'confirmed', 101, 12), // right, in 1h
    row('b', 50, 100, 'confirmed', 104, 40), // wrong (4 off), in 1h
    row('c', 120, 100, 'dropped'), // wrong, false positive, 24h
    row('d', 200, 100, 'replaced', null, 30), // replaced by e; chain confirmed at 102 -> right
    row('e', 150, 103, 'confirmed', 102, 5, 'd'), // right
    row('f', 300, 100, null), // pending: not scored
    row('g', 3 * 1440, 100, 'expired'), // wrong, false positive, 7d only
    row('h', 4 * 1440, null, 'confirmed', 200, 20), // no prediction: not scored, but a confirmed whale
  ];
  it('1h', () => {
    const s = periodStats(rows, '1h', now - 3_600_000);
    expect(s).toMatchObject({
      predictions: 2,
      whales: 2,
      scored: 2,
      right: 1,
      accuracy: 0.5,
      settledWhales: 2,
      falsePositives: 0,
      falsePositiveRate: 0,
      medianMinutesToConfirm: 26,
    });
  });
  it('24h', () => {
    const s = periodStats(rows, '24h', now - 86_400_000);
    expect(s.counts).toEqual({ confirmed: 3, replaced: 1, dropped: 1, expired: 0, pending: 1 });
    // scored a b c d e = 5, right a d e = 3; whales a b c d f, settled a b c d, FP c; minutes 12 40 30
    expect(s).toMatchObject({
      predictions: 6,
      whales: 5,
      scored: 5,
      right: 3,
      accuracy: 0.6,
      settledWhales: 4,
      falsePositives: 1,
      falsePositiveRate: 0.25,
      medianMinutesToConfirm: 30,
    });
  });
  it('7d', () => {
    const s = periodStats(rows, '7d', now - 7 * 86_400_000);
    // + g (wrong, FP) + h (unscored, confirmed 20 min); minutes 12 40 30 20 -> median 25
    expect(s).toMatchObject({
      predictions: 8,
      whales: 7,
      scored: 6,
      right: 3,
      accuracy: 0.5,
      settledWhales: 6,
      falsePositives: 2,
      falsePositiveRate: 2 / 6,
      medianMinutesToConfirm: 25,
    });
    expect(accuracyLevel(s)).toBe('insufficient'); // 6 < 10 samples
  });
  it('a chain ended by a block conflict counts as confirmed at the conflict’s height', () => {
    // k replaced by k2 (interim, then settled with the height), k2 replaced by a mined double spend at 101.
    const chain: ReportRow[] = [
      row('k', 30, 100, 'replaced', 101, 20),
      row('k2', 20, 103, 'replaced', 101, 10, 'k'),
      // an interim-only chain (no height yet) is not settled
      row('m', 10, 100, 'replaced'),
    ];
    const s = periodStats(chain, '1h', now - 3_600_000);
    // k right (|101 - 100| <= 2), k2 right (|101 - 103| = 2, the edge of the window); m unscored
    expect(s).toMatchObject({
      predictions: 3,
      whales: 2,
      scored: 2,
      right: 2,
      settledWhales: 1,
      falsePositives: 0,
      medianMinutesToConfirm: 20,
    });
    expect(s.counts).toEqual({ confirmed: 0, replaced: 3, dropped: 0, expired: 0, pending: 0 });
  });
  it.each([
    [10, 8, 'ok'],
    [10, 7, 'warning'], // exactly 0.70 is not below 0.70
    [10, 6, 'critical'],
    [20, 14, 'warning'],
    [20, 15, 'ok'],
    [100, 74, 'warning'],
    [100, 69, 'critical'],
    [9, 0, 'insufficient'],
  ])('level with %s scored, %s right', (scored, right, want) => {
    const s = { ...periodStats([], '7d', 0), scored, right, accuracy: right / scored };
    expect(accuracyLevel(s)).toBe(want);
  });
  it.each([
    [[], null],
    [[3], 3],
    [[4, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('median %j', (xs, want) => expect(median(xs)).toBe(want));
});
