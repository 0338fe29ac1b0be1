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

/**
 * Each round USD amount's band at the rough price, (dn[k], up[k]), computed exactly as the
 * reference does for each output (same doubles). Both ends ascend with k: usd / rough does, and
 * so do av + 0.25 * av and av - 0.25 * av (0.25 * av is exact, so each is one rounding of 1.25 *
 * av or 0.75 * av, and rounding is monotonic). Checked anyway: the loop below relies on it.
 */
function bandsOf(rough: number): { dn: Float64Array; up: Float64Array } {
  const dn = new Float64Array(ROUND_USD.length);
  const up = new Float64Array(ROUND_USD.length);
  ROUND_USD.forEach((usd, k) => {
    const av = usd / rough;
    up[k] = av + WIDE * av;
    dn[k] = av - WIDE * av;
    if (k > 0 && !(up[k] >= up[k - 1]! && dn[k] >= dn[k - 1]!))
      throw new DataError(`round-USD bands at rough price ${rough} do not ascend`);
  });
  return { dn, up };
}

export function intradayPoints(
  outputs: Pick<WindowOutputs, 'amounts' | 'heights' | 'times'>,
  rough: number,
): PricePoints {
  if (!Number.isInteger(rough) || rough <= 0)
    throw new DataError(`rough price must be a positive whole number, got ${rough}`);
  filter ??= new MicroRoundFilter();
  const { dn, up } = bandsOf(rough);
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
  const last = ROUND_USD.length;
  for (let i = 0; i < amounts.length; i++) {
    const n = amounts[i]!;
    if (!(lowest < n && n < highest)) continue; // inside no band: both ends ascend with the USD amount
    // The bands holding n are one run of k: both ends ascend with k (bandsOf), so the run starts
    // at the first band whose top is above n and lasts while the bottom is below n. The reference
    // tries every band; this visits the same ones, in the same order, without the other 12.
    let k = 0;
    while (!(n < up[k]!)) k++;
    if (!(dn[k]! < n) || filter.excludes(n)) continue;
    if (count + last > prices.length) {
      prices = grown(prices, new Float64Array(2 * prices.length));
      heights = grown(heights, new Uint32Array(2 * heights.length));
      times = grown(times, new Float64Array(2 * times.length));
    }
    const h = amountHeights[i]!;
    const t = amountTimes[i]!;
    do {
      prices[count] = ROUND_USD[k]! / n;
      heights[count] = h;
      times[count++] = t;
    } while (++k < last && dn[k]! < n);
  }
  // Views, not copies: copying ~8 MB costs more (fresh pages) than the unused tail it would free.
  return { prices: prices.subarray(0, count), heights: heights.subarray(0, count), times: times.subarray(0, count) };
}
