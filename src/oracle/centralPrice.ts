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
  return centralSorted(sortedCopy(points), lo, hi);
}

/** The points strictly inside (lo, hi), sorted ascending (all of them when no bounds are given). */
function sortedCopy(points: ArrayLike<number>, lo = -Infinity, hi = Infinity): Float64Array {
  const out = new Float64Array(points.length);
  let n = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (lo < p && p < hi) out[n++] = p;
  }
  const kept = out.subarray(0, n);
  // Above zero (never NaN: it fails both comparisons), doubles order exactly as their bit patterns
  // do as unsigned 64-bit integers, and V8 sorts those faster: 20 vs 34 ms for a day's ~280,000.
  if (lo >= 0) new BigUint64Array(kept.buffer, kept.byteOffset, n).sort();
  else kept.sort();
  return kept;
}

/** Index of the first element of ascending `a` that is > x (or >= x when `orEqual`). */
function firstAbove(a: Float64Array, x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! > x || (orEqual && a[mid]! === x)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * central() on points already sorted ascending: the kept points are then one contiguous run, the
 * very array the reference sorts, so the prefix sums and distances come out bit for bit the same.
 */
export function centralSorted(sorted: Float64Array, lo: number, hi: number): Central {
  const kept = sorted.subarray(firstAbove(sorted, lo, false), firstAbove(sorted, hi, true));
  const n = kept.length;
  if (n === 0) throw new DataError(`no intraday price points between ${lo} and ${hi}`);
  const prefix = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += kept[i]!;
    prefix[i] = total;
  }
  let best = 0;
  let bestDist = Infinity;
  for (let i = 0; i < n; i++) {
    const p = kept[i]!;
    const left = i === 0 ? 0 : prefix[i - 1]!;
    const right = total - prefix[i]!;
    const dist = p * i - left + (right - p * (n - 1 - i));
    if (dist < bestDist) {
      bestDist = dist;
      best = i;
    }
  }
  const price = kept[best]!;
  return { price, mad: medianDistance(kept, best), count: n };
}

/**
 * The median of |p - kept[at]| over the kept points, without sorting the distances: walking out
 * from `at`, the distances on each side never decrease (subtraction is monotonic in IEEE
 * arithmetic), so merging the two sides gives them in sorted order; the median is the middle one
 * (or the mean of the middle two), exactly the values a sort would put there.
 */
function medianDistance(kept: Float64Array, at: number): number {
  const n = kept.length;
  const price = kept[at]!;
  let left = at; // next index to take going down
  let right = at + 1; // next index to take going up
  const take = (): number => {
    const dl = left >= 0 ? Math.abs(kept[left]! - price) : Infinity;
    const dr = right < n ? Math.abs(kept[right]! - price) : Infinity;
    if (dl <= dr) {
      left--;
      return dl;
    }
    right++;
    return dr;
  };
  const mid = n >> 1; // the (mid)-th smallest, 0-based; with n even also the (mid - 1)-th
  let prev = 0;
  let cur = 0;
  for (let k = 0; k <= mid; k++) {
    prev = cur;
    cur = take();
  }
  return n % 2 === 0 ? (prev + cur) / 2 : cur;
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
  // Sorted once; each window below is then a contiguous run of it. Only points that can fall in a
  // window are sorted: the price lies within rough ± 5%, so price ± 10% lies within
  // (0.855, 1.155) x rough, and (0.85, 1.16) x rough holds both windows with room to spare.
  const sorted = sortedCopy(points, 0.85 * rough, 1.16 * rough);
  const c = centralSorted(sorted, rough - TIGHT * rough, rough + TIGHT * rough);
  const price = c.price;
  // `price + 0.1*price`, not price*1.1: the reference's form, which can differ in the last bit.
  const up = price + MEDIUM * price;
  const dn = price - MEDIUM * price;
  const dev = centralSorted(sorted, dn, up).mad;
  const devPct = dev / (up - dn);
  const slope = (0.15 - 0.05) / (0.2 - 0.17);
  let axRange = 0.05 + (devPct - 0.17) * slope;
  if (axRange < 0.05) axRange = 0.05;
  if (axRange > 0.2) axRange = 0.2;
  return { price, pointsInWindow: c.count, dev, devPct, axRange };
}
