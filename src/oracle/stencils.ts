// The two 803-wide stencils slid over the histogram (oracle.md §5).

import { exactPow } from './exactPow.js';
import { SMOOTH_STENCIL } from './tables.generated.js';

export const STENCIL_WIDTH = 803;

/**
 * The reference's "e": the double 2.718281828459045 (== Math.E). Its pow goes through glibc, which
 * V8's `**` disagrees with on 49 of the 803 values, hence exactPow (it matches glibc on all 803).
 */
const E_LITERAL = 2.718281828459045;
const SMOOTH_MEAN = 411;
const SMOOTH_STD_DEV = 201;
const SMOOTH_HEIGHT = 0.0015;
/** A slight upward tilt towards larger amounts. */
const SMOOTH_SLOPE = 0.0000005;

/** Round-USD spikes: stencil index -> weight, constants from the reference (oracle.md §5). */
export const SPIKE_WEIGHTS: ReadonlyArray<readonly [index: number, weight: number]> = [
  [40, 0.001300198324984352], // $1
  [141, 0.001676746949820743], // $5
  [201, 0.003468805546942046], // $10
  [202, 0.001991977522512513],
  [236, 0.001905066647961839], // $15
  [261, 0.003341772718156079], // $20
  [262, 0.002588902624584287],
  [296, 0.002577893841190244], // $30
  [297, 0.002733728814200412],
  [340, 0.003076117748975647], // $50
  [341, 0.005613067550103145],
  [342, 0.003088253178535568],
  [400, 0.002918457489366139], // $100
  [401, 0.006174500465286022],
  [402, 0.004417068070043504],
  [403, 0.002628663628020371],
  [436, 0.002858828161543839], // $150
  [461, 0.004097463611984264], // $200
  [462, 0.003345917406120509],
  [496, 0.002521467726855856], // $300
  [497, 0.002784125730361008],
  [541, 0.003792850444811335], // $500
  [601, 0.003688240815848247], // $1000
  [602, 0.002392400117402263],
  [636, 0.001280993059008106], // $1500
  [661, 0.001654665137536031], // $2000
  [662, 0.001395501347054946],
  [741, 0.001154279140906312], // $5000
  [801, 0.000832244504868709], // $10000
];

/** One smooth-stencil value with the reference's order of operations. */
export function smoothValue(x: number): number {
  // -(int**2) / (2*201**2): an exact integer over an exact integer, one correctly rounded division,
  // as Python's int/int true division.
  const exponent = -((x - SMOOTH_MEAN) ** 2) / (2 * SMOOTH_STD_DEV ** 2);
  return SMOOTH_HEIGHT * exactPow(E_LITERAL, exponent) + SMOOTH_SLOPE * x;
}

let smooth: Float64Array | undefined;
let spike: Float64Array | undefined;

/** Gaussian bump (the general shape of a day's outputs), 803 values, from the generated table. Shared: do not write. */
export function smoothStencil(): Float64Array {
  smooth ??= Float64Array.from(SMOOTH_STENCIL);
  return smooth;
}

/** The smooth stencil worked out from scratch (see computeBinEdges for why there is a table). */
export function computeSmoothStencil(): Float64Array {
  return Float64Array.from({ length: STENCIL_WIDTH }, (_, x) => smoothValue(x));
}

/** Zero except at the round-USD offsets, 803 values. Shared: do not write. */
export function spikeStencil(): Float64Array {
  if (!spike) {
    spike = new Float64Array(STENCIL_WIDTH);
    for (const [i, w] of SPIKE_WEIGHTS) spike[i] = w;
  }
  return spike;
}
