// Intraday price points (oracle.md §7): every output within ±25% of a round USD amount at the
// rough price becomes a point usd / amount, unless it is a micro-round BTC amount.

import { DataError } from '../errors.js';
import { MicroRoundFilter } from './microRound.js';
import type { WindowOutputs } from './windowAccumulator.js';

/** Round USD amounts, in the reference's order (one output can give a point for several). */
export const ROUND_USD: readonly number[] = [5, 10, 15, 20, 25, 30, 40, 50, 100, 150, 200, 300, 500, 1000];
const WIDE = 0.25;

export interface PricePoints {
  prices: Float64Array;
  heights: Uint32Array;
  times: Float64Array;
}

let filter: MicroRoundFilter | undefined;

function grown<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

export function intradayPoints(
  outputs: Pick<WindowOutputs, 'amounts' | 'heights' | 'times'>,
  rough: number,
): PricePoints {
  if (!Number.isInteger(rough) || rough <= 0)
    throw new DataError(`rough price must be a positive whole number, got ${rough}`);
  filter ??= new MicroRoundFilter();
  // Windows per usd, computed exactly as the reference does for each output (same doubles).
  const dn = new Float64Array(ROUND_USD.length);
  const up = new Float64Array(ROUND_USD.length);
  ROUND_USD.forEach((usd, k) => {
    const av = usd / rough;
    up[k] = av + WIDE * av;
    dn[k] = av - WIDE * av;
  });
  // Typed arrays sized for one point per amount (a full day: ~550,000 amounts, ~400,000 points),
  // doubled in the rare case an amount near a band overlap gives more.
  const capacity = Math.max(1024, outputs.amounts.length);
  let prices = new Float64Array(capacity);
  let heights = new Uint32Array(capacity);
  let times = new Float64Array(capacity);
  let count = 0;
  const lowest = dn[0]!;
  const highest = up[ROUND_USD.length - 1]!;
  const { amounts } = outputs;
  const amountHeights = outputs.heights;
  const amountTimes = outputs.times;
  for (let i = 0; i < amounts.length; i++) {
    const n = amounts[i]!;
    if (!(lowest < n && n < highest)) continue; // inside no window: both ends ascend with the USD amount
    let micro: boolean | undefined; // computed at most once per output, only when needed
    for (let k = 0; k < ROUND_USD.length; k++) {
      if (!(dn[k]! < n && n < up[k]!)) continue;
      micro ??= filter.excludes(n);
      if (micro) break;
      if (count === prices.length) {
        prices = grown(prices, new Float64Array(2 * count));
        heights = grown(heights, new Uint32Array(2 * count));
        times = grown(times, new Float64Array(2 * count));
      }
      prices[count] = ROUND_USD[k]! / n;
      heights[count] = amountHeights[i]!;
      times[count++] = amountTimes[i]!;
    }
  }
  // Views, not copies: copying ~8 MB costs more (fresh pages) than the unused tail it would free.
  return { prices: prices.subarray(0, count), heights: heights.subarray(0, count), times: times.subarray(0, count) };
}
