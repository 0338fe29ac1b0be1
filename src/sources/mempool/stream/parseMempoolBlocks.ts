// `mempool-blocks`: the projected next blocks, best fee rate first (backend `MempoolBlock`).
// Whale-watch grades urgency against these fee ranges, so every number must be real.
import type { EventOf, ProjectedBlock } from './types.js';
import { arr, nonNegative, obj, uint } from './shape.js';

function parseProjected(value: unknown, path: string): ProjectedBlock {
  const o = obj(value, path);
  const feeRange = arr(o.feeRange, `${path}.feeRange`).map((f, i) => nonNegative(f, `${path}.feeRange[${i}]`));
  return {
    blockSize: uint(o.blockSize, `${path}.blockSize`),
    // vsize is weight/4 and may be fractional (e.g. 997989.75).
    blockVSize: nonNegative(o.blockVSize, `${path}.blockVSize`),
    nTx: uint(o.nTx, `${path}.nTx`),
    totalFees: uint(o.totalFees, `${path}.totalFees`),
    medianFee: nonNegative(o.medianFee, `${path}.medianFee`),
    feeRange,
  };
}

export function parseMempoolBlocks(value: unknown, key = 'mempool-blocks'): EventOf<'mempool-blocks'> {
  return { type: 'mempool-blocks', blocks: arr(value, key).map((b, i) => parseProjected(b, `${key}[${i}]`)) };
}
