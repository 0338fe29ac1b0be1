// The final price (oracle.md §8): the point with the smallest total distance to the others, and
// the median absolute deviation around it.

import { DataError } from '../errors.js';

export interface Central {
  /** The kept point with the least sum of absolute distances (the first one on ties). */
  price: number;
  /** Median absolute deviation of the kept points from `price`. */
  mad: number;
  /** Points strictly inside (lo, hi). */
  count: number;
}

/**
 * central(points, lo, hi) as the reference computes it: keep lo < p < hi, sort ascending, distance
 * sums from a running (sequential) prefix sum:
 *   dist[i] = (p[i]*i - left[i]) + (right[i] - p[i]*(n-1-i)),
 *   left[i] = prefix[i-1] (0 for i = 0), right[i] = total - prefix[i].
 * The grouping matters for the last bit, so it is kept exactly.
 */
export function central(points: ArrayLike<number>, lo: number, hi: number): Central {
  const kept: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (lo < p && p < hi) kept.push(p);
  }
  const n = kept.length;
  if (n === 0) throw new DataError(`no intraday price points between ${lo} and ${hi}`);
  const sorted = Float64Array.from(kept).sort();
  const prefix = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i]!;
    prefix[i] = total;
  }
  let best = 0;
  let bestDist = Infinity;
  for (let i = 0; i < n; i++) {
    const p = sorted[i]!;
    const left = i === 0 ? 0 : prefix[i - 1]!;
    const right = total - prefix[i]!;
    const dist = p * i - left + (right - p * (n - 1 - i));
    if (dist < bestDist) {
      bestDist = dist;
      best = i;
    }
  }
  const price = sorted[best]!;
  const dev = Float64Array.from(sorted, (x) => Math.abs(x - price)).sort();
  const mad = n % 2 === 0 ? (dev[n / 2 - 1]! + dev[n / 2]!) / 2 : dev[(n - 1) / 2]!;
  return { price, mad, count: n };
}

const TIGHT = 0.05;
const MEDIUM = 0.1;

export interface FinalPrice {
  price: number;
  /** Points inside rough ± 5%. */
  pointsInWindow: number;
  /** MAD of the points within price ± 10%... */
  dev: number;
  /** ...over that window's width. */
  devPct: number;
  /** The reference chart's y half-range, relative to price: 0.05..0.2. */
  axRange: number;
}

/**
 * One central() pass at rough ± 5%. The reference means to re-centre until the answer settles,
 * but its loop (`while central_price not in avs`, with central_price just added to avs) never
 * runs, so exactly one pass is the consensus behaviour.
 */
export function finalPrice(points: ArrayLike<number>, rough: number): FinalPrice {
  const c = central(points, rough - TIGHT * rough, rough + TIGHT * rough);
  const price = c.price;
  // `price + 0.1*price`, not price*1.1: the reference's form, which can differ in the last bit.
  const up = price + MEDIUM * price;
  const dn = price - MEDIUM * price;
  const dev = central(points, dn, up).mad;
  const devPct = dev / (up - dn);
  const slope = (0.15 - 0.05) / (0.2 - 0.17);
  let axRange = 0.05 + (devPct - 0.17) * slope;
  if (axRange < 0.05) axRange = 0.05;
  if (axRange > 0.2) axRange = 0.2;
  return { price, pointsInWindow: c.count, dev, devPct, axRange };
}
