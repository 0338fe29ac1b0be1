// Micro-round BTC amounts (oracle.md §7): round BTC values (0.0001, 0.05, 0.3 ...) people send
// for reasons unrelated to dollars, excluded from the intraday points when within ±0.01%.
//
// The reference builds them by repeated float addition, so the values carry its drift
// (7.000000000000001e-05, 0.9900000000000008 ...). That drift moves the exclusion windows, so we
// build them the same way rather than as k * step.

import { highWord } from './doubleBits.js';

/** [start, step, stop): each run adds `step` to the running value while it is below `stop`. */
const RUNS: ReadonlyArray<readonly [start: number, step: number, stop: number]> = [
  [0.00005, 0.00001, 0.0001],
  [0.0001, 0.00001, 0.001],
  [0.001, 0.0001, 0.01],
  [0.01, 0.001, 0.1],
  [0.1, 0.01, 1],
];

/** Half-width of an exclusion window, relative to the round amount. */
export const MICRO_ROUND_TOLERANCE = 0.0001;

let amounts: readonly number[] | undefined;

/** The 366 micro-round amounts in the reference's order. */
export function microRoundAmounts(): readonly number[] {
  if (!amounts) {
    const out: number[] = [];
    for (const [start, step, stop] of RUNS) {
      for (let v = start; v < stop; v += step) out.push(v);
    }
    amounts = Object.freeze(out);
  }
  return amounts;
}

// The high 32 bits of a double: sign, exponent and the top 20 mantissa bits. Dropping the low 14
// of those leaves a key that splits every power of two into 64 buckets of ~1.1% each; a
// micro-round window is only ±0.01% wide, so it touches at most two buckets.
const bucketOf = (x: number): number => highWord(x) >>> 14;
/** The same with 12 mantissa bits: buckets of ~0.024%, so a ±0.01% window touches at most two. */
const fineBucketOf = (x: number): number => highWord(x) >>> 8;

/**
 * A fast test "is `n` strictly inside some (r - 0.0001*r, r + 0.0001*r)?", identical to checking
 * every r in turn: each window is filed under the buckets its ends fall in (positive doubles
 * order like their bit patterns), so only the windows filed under n's bucket can hold n.
 */
export class MicroRoundFilter {
  private readonly lows: Float64Array;
  private readonly highs: Float64Array;
  private readonly first: number;
  /** Windows of bucket b: index[start[b - first] .. start[b - first + 1]). */
  private readonly start: Int32Array;
  private readonly index: Int32Array;
  /** Per fine bucket from fineFirst: 1 when some window reaches into it. */
  private readonly fineFirst: number;
  private readonly touched: Uint8Array;

  constructor(rounds: readonly number[] = microRoundAmounts()) {
    this.lows = Float64Array.from(rounds, (r) => r - MICRO_ROUND_TOLERANCE * r);
    this.highs = Float64Array.from(rounds, (r) => r + MICRO_ROUND_TOLERANCE * r);
    this.first = Math.min(...Array.from(this.lows, bucketOf));
    const last = Math.max(...Array.from(this.highs, bucketOf));
    const lists: number[][] = Array.from({ length: last - this.first + 1 }, () => []);
    rounds.forEach((_, w) => {
      for (let b = bucketOf(this.lows[w]!); b <= bucketOf(this.highs[w]!); b++) lists[b - this.first]!.push(w);
    });
    this.start = new Int32Array(lists.length + 1);
    lists.forEach((l, b) => (this.start[b + 1] = this.start[b]! + l.length));
    this.index = Int32Array.from(lists.flat());
    this.fineFirst = fineBucketOf(Math.min(...this.lows));
    this.touched = new Uint8Array(fineBucketOf(Math.max(...this.highs)) - this.fineFirst + 1);
    this.lows.forEach((low, w) => {
      for (let f = fineBucketOf(low); f <= fineBucketOf(this.highs[w]!); f++) this.touched[f - this.fineFirst] = 1;
    });
  }

  excludes(n: number): boolean {
    if (!(n > 0)) return false; // every window is above zero
    // Most amounts are nowhere near a round one: a fine bucket no window touches says so at once.
    const f = fineBucketOf(n) - this.fineFirst;
    if (f < 0 || f >= this.touched.length || this.touched[f] === 0) return false;
    const b = bucketOf(n) - this.first;
    if (b < 0 || b >= this.start.length - 1) return false;
    for (let k = this.start[b]!; k < this.start[b + 1]!; k++) {
      const w = this.index[k]!;
      if (this.lows[w]! < n && n < this.highs[w]!) return true;
    }
    return false;
  }
}
