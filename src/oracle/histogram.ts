// The output histogram (oracle.md §3-4): count amounts per bin, then clean and normalise.
//
// Bin of an amount = the largest bin whose lower edge is <= amount. The reference finds it by
// guessing int((log10(a) + 6) / 12 * 2401) and walking up while edge <= amount. That walk can
// only be wrong if the guess overshoots the right bin by 2 or more; it never does: the guess is
// about 200.08 * (log10(a) + 6) while the right bin is 1 + 200 * (log10(a) + 6) rounded down,
// so for amounts below 1e5 (log10(a) + 6 < 11) the guess is at most the right bin + 1 even with
// a few ulps of log10 error. A binary search over the exact edges therefore gives the same bin
// for every amount in (1e-5, 1e5) (tested against a simulation of the walk in histogram.test.ts).

import { DataError } from '../errors.js';
import { BIN_COUNT, binEdges } from './binEdges.js';
import { fromHighWord, highWord } from './doubleBits.js';

/** Bins 0..200 (below 1e-5 BTC = 1k sats; edge[201] = 1e-5) are dropped... */
const LAST_LOW_BIN = 200;
/** ...and so are bins 1601..2400 (edge[1601] = 100 BTC and above). */
export const FIRST_USED_BIN = 201;
export const LAST_USED_BIN = 1600;
/** Round-BTC bins (1k sats ... 1 BTC) averaged away, in the reference's order. */
export const ROUND_BTC_BINS: readonly number[] = [
  201, 401, 461, 496, 540, 601, 661, 696, 740, 801, 861, 896, 940, 1001, 1061, 1096, 1140, 1201,
];
/** No bin may hold more than this share after normalising (one spammy amount cannot dominate). */
const BIN_CAP = 0.008;

let edgeCopy: Float64Array | undefined;
/** A private plain copy of the edges: the public table is a read-only proxy, slow in hot loops. */
function edges(): Float64Array {
  if (!edgeCopy) edgeCopy = Float64Array.from(binEdges());
  return edgeCopy;
}

/** The largest bin whose edge is <= amount (amount >= 0). */
export function binOf(amount: number): number {
  if (!(amount >= 0)) throw new DataError(`amount must be a non-negative number, got ${amount}`);
  const t = (table ??= bucketTable());
  const b = bucketOf(amount) - t.first;
  if (b < 0 || b >= t.bins.length) return binBySearch(amount);
  // The bucket's own bin, or the next one if the single edge inside the bucket is at or below it.
  const g = t.bins[b]!;
  return g < BIN_COUNT - 1 && edges()[g + 1]! <= amount ? g + 1 : g;
}

/**
 * binOf without the table: start where log10 says (edge i sits at 10^((i-1)/200 - 6)), then step
 * to the exact answer against the exact edges: at most a step or two, and the same bin a binary
 * search finds. Exported for the tests, which hold the table to it.
 */
export function binBySearch(amount: number): number {
  const e = edges();
  if (!(amount >= 0)) throw new DataError(`amount must be a non-negative number, got ${amount}`);
  let g = Math.floor((Math.log10(amount) + 6) * 200) + 1;
  if (!(g >= 0)) g = 0; // also catches -Infinity (amount 0) and NaN
  if (g > BIN_COUNT - 1) g = BIN_COUNT - 1;
  while (g > 0 && e[g]! > amount) g--;
  while (g < BIN_COUNT - 1 && e[g + 1]! <= amount) g++;
  return g;
}

// The bucket table: positive doubles order as their bit patterns, so the top 32 bits shifted right
// by 12 (sign, exponent and 8 mantissa bits) number buckets of at most 1/256 = 0.39% of their
// value, in ascending order. Neighbouring edges are 10^(1/200) = 1.16% apart, so a bucket holds at
// most one edge, and an amount's bin is its bucket's first double's bin or the next one: one table
// read and one comparison, where log10 alone costs more than the rest of the histogram (a day's
// 550,000 amounts counted: 25-34 -> 18-21 ms, measured).
const BUCKET_SHIFT = 12;
const bucketOf = (x: number): number => highWord(x) >>> BUCKET_SHIFT;
const bucketStart = (bucket: number): number => fromHighWord(bucket << BUCKET_SHIFT);

let table: { first: number; bins: Uint16Array } | undefined;

/** The bin of each bucket's first double, for buckets from edge[1]'s to the last edge's. */
function bucketTable(): { first: number; bins: Uint16Array } {
  const e = edges();
  const first = bucketOf(e[1]!);
  const last = bucketOf(e[BIN_COUNT - 1]!);
  const bins = new Uint16Array(last - first + 1);
  for (let b = first; b <= last; b++) {
    bins[b - first] = binBySearch(bucketStart(b));
    // What makes one comparison enough: never two edges inside one bucket.
    if (b > first && bins[b - first]! - bins[b - first - 1]! > 1)
      throw new Error(`histogram bucket ${b} holds more than one bin edge`);
  }
  return { first, bins };
}

/** Raw counts, one per amount. */
export function countBins(amounts: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(BIN_COUNT);
  for (let i = 0; i < amounts.length; i++) counts[binOf(amounts[i]!)]! += 1.0;
  return counts;
}

/**
 * §4 in place: zero the tails, smooth the round-BTC bins (each from its neighbours as they are at
 * that moment, in list order), then divide bins 201..1600 by their sum (accumulated in index
 * order) and cap each at 0.008. Throws DataError when nothing is left to normalise.
 */
export function cleanAndNormalize(counts: Float64Array): Float64Array {
  if (counts.length !== BIN_COUNT) throw new DataError(`histogram must have ${BIN_COUNT} bins, got ${counts.length}`);
  counts.fill(0, 0, LAST_LOW_BIN + 1);
  counts.fill(0, LAST_USED_BIN + 1);
  for (const r of ROUND_BTC_BINS) counts[r] = 0.5 * (counts[r + 1]! + counts[r - 1]!);
  let sum = 0.0;
  for (let n = FIRST_USED_BIN; n <= LAST_USED_BIN; n++) sum += counts[n]!;
  if (!(sum > 0)) {
    throw new DataError(
      'no outputs between 10k sats and 10 BTC to build a price histogram from (empty or too small block window)',
    );
  }
  for (let n = FIRST_USED_BIN; n <= LAST_USED_BIN; n++) {
    counts[n]! /= sum;
    if (counts[n]! > BIN_CAP) counts[n] = BIN_CAP;
  }
  return counts;
}

/** countBins then cleanAndNormalize. */
export function buildHistogram(amounts: ArrayLike<number>): Float64Array {
  return cleanAndNormalize(countBins(amounts));
}
