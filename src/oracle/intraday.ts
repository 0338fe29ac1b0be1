// Intraday price points (oracle.md §7): every output within ±25% of a round USD amount at the
// rough price becomes a point usd / amount, unless it is a micro-round BTC amount.

import { DataError } from '../errors.js';
import { MicroRoundFilter } from './microRound.js';
import type { WindowOutputs } from './outputs.js';

/** Round USD amounts, in the reference's order (one output can give a point for several). */
export const ROUND_USD: readonly number[] = [5, 10, 15, 20, 25, 30, 40, 50, 100, 150, 200, 300, 500, 1000];
const WIDE = 0.25;

export interface PricePoints {
  prices: Float64Array;
  heights: Uint32Array;
  times: Float64Array;
}

let filter: MicroRoundFilter | undefined;

export function intradayPoints(outputs: Pick<WindowOutputs, 'amounts' | 'heights' | 'times'>, rough: number): PricePoints {
  if (!Number.isInteger(rough) || rough <= 0) throw new DataError(`rough price must be a positive whole number, got ${rough}`);
  filter ??= new MicroRoundFilter();
  // Windows per usd, computed exactly as the reference does for each output (same doubles).
  const dn = new Float64Array(ROUND_USD.length);
  const up = new Float64Array(ROUND_USD.length);
  ROUND_USD.forEach((usd, k) => {
    const av = usd / rough;
    up[k] = av + WIDE * av;
    dn[k] = av - WIDE * av;
  });
  const prices: number[] = [];
  const heights: number[] = [];
  const times: number[] = [];
  const { amounts } = outputs;
  for (let i = 0; i < amounts.length; i++) {
    const n = amounts[i]!;
    let micro: boolean | undefined; // computed at most once per output, only when needed
    for (let k = 0; k < ROUND_USD.length; k++) {
      if (!(dn[k]! < n && n < up[k]!)) continue;
      micro ??= filter.excludes(n);
      if (micro) continue;
      prices.push(ROUND_USD[k]! / n);
      heights.push(outputs.heights[i]!);
      times.push(outputs.times[i]!);
    }
  }
  return { prices: Float64Array.from(prices), heights: Uint32Array.from(heights), times: Float64Array.from(times) };
}
