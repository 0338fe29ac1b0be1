// Micro-round BTC amounts (oracle.md §7): round BTC values (0.0001, 0.05, 0.3 ...) people send
// for reasons unrelated to dollars, excluded from the intraday points when within ±0.01%.
//
// The reference builds them by repeated float addition, so the values carry its drift
// (7.000000000000001e-05, 0.9900000000000008 ...). That drift moves the exclusion windows, so we
// build them the same way rather than as k * step.

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

/**
 * A fast test "is `n` strictly inside some (r - 0.0001*r, r + 0.0001*r)?", identical to checking
 * every r in turn. The windows sorted by lower end, with the running maximum of their upper ends:
 * n is inside one iff the largest upper end among windows with lower end < n is > n.
 */
export class MicroRoundFilter {
  private readonly lows: Float64Array;
  private readonly maxHighs: Float64Array;

  constructor(rounds: readonly number[] = microRoundAmounts()) {
    const windows = rounds
      .map((r) => [r - MICRO_ROUND_TOLERANCE * r, r + MICRO_ROUND_TOLERANCE * r] as const)
      .sort((a, b) => a[0] - b[0]);
    this.lows = Float64Array.from(windows, (w) => w[0]);
    this.maxHighs = new Float64Array(windows.length);
    let max = -Infinity;
    windows.forEach((w, i) => {
      max = Math.max(max, w[1]);
      this.maxHighs[i] = max;
    });
  }

  excludes(n: number): boolean {
    // count of windows whose low end is < n
    let lo = 0;
    let hi = this.lows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lows[mid]! < n) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && this.maxHighs[lo - 1]! > n;
  }
}
