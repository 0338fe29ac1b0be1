// Histogram bin lower edges (oracle.md §3): edge[0] = 0, edge[1 + 200*(e+6) + b] = 10 ** (e + b/200)
// for e in -6..5, b in 0..199. 2401 edges in all, increasing.
//
// The reference computes them with CPython, i.e. glibc pow(10.0, x). V8's `**` disagrees with
// glibc in the last bit on 245 edges, so we use a correctly rounded pow (exactPow.ts) instead.
// That matches glibc on 2399 edges. On the other two glibc's pow (whose documented error bound is
// a little above half an ulp) rounds the wrong way, because the exact value lies only just past
// the rounding midpoint:
//   edge 1189, x = -1 + 188/200 = -0.06000000000000005: exact 10^x is 0.5008 ulp above
//     0.8709635899560805; correct rounding gives 0.8709635899560806, glibc gives ...805.
//   edge 1938, x = 3 + 137/200 = 3.685 (the double 3.68500000000000005329...): exact 10^x is
//     0.50005 ulp above 4841.723675840994; correct rounding gives ...9945, glibc gives ...994.
// (Ratios measured with Python's decimal module at 80 digits.) Consensus is with the reference,
// so those two take glibc's value, one ulp below the correctly rounded one.

import { exactPow } from './exactPow.js';
import { BIN_EDGES } from './tables.generated.js';

export const BIN_COUNT = 2401;
/** Bins per power of ten. */
const BINS_PER_DECADE = 200;
/** log10 of edge[1]: the histogram starts at 1e-6 BTC. */
const FIRST_EXPONENT = -6;
/** One past the last decade: the last edge is 10^(5 + 199/200). */
const END_EXPONENT = 6;

/** Edges where glibc's pow is not correctly rounded: index -> glibc's (the reference's) value. */
export const GLIBC_POW_EXCEPTIONS: ReadonlyMap<number, number> = new Map([
  [1189, 0.8709635899560805],
  [1938, 4841.723675840994],
]);

/** The exponent the reference passes to pow for bin `1 + 200*(e+6) + b`, rounded as CPython does. */
export function edgeExponent(e: number, b: number): number {
  return e + b / BINS_PER_DECADE;
}

let edges: Float64Array | undefined;

/** The 2401 bin edges, from the generated table (see computeBinEdges), read-only. */
export function binEdges(): Readonly<Float64Array> {
  edges ??= readOnlyView(Float64Array.from(BIN_EDGES));
  return edges;
}

/**
 * The edges worked out from scratch: what scripts/genOracleTables.ts writes into
 * tables.generated.ts (a cron run should not spend ~70 ms of BigInt arithmetic on constants), and
 * what the tests hold that table to.
 */
export function computeBinEdges(): Float64Array {
  const out = new Float64Array(BIN_COUNT);
  out[0] = 0.0;
  let i = 1;
  for (let e = FIRST_EXPONENT; e < END_EXPONENT; e++) {
    for (let b = 0; b < BINS_PER_DECADE; b++) {
      out[i] = GLIBC_POW_EXCEPTIONS.get(i) ?? exactPow(10, edgeExponent(e, b));
      i++;
    }
  }
  return out;
}

/** Typed arrays cannot be Object.freeze()d; a proxy that rejects writes keeps the table immutable. */
function readOnlyView(arr: Float64Array): Float64Array {
  return new Proxy(arr, {
    set: () => {
      throw new TypeError('bin edges are read-only');
    },
    defineProperty: () => {
      throw new TypeError('bin edges are read-only');
    },
    get: (target, prop) => {
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });
}
