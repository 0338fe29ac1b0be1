// Where a fee rate falls among mempool's projected blocks (`mempool-blocks`, best fee first, ~1 MvB
// each; the last one holds the rest of the mempool). Urgency and the predicted height both start here.
import type { ProjectedBlock } from '../sources/mempool/stream.js';

/** The lowest fee rate a projected block takes: feeRange[0] (its minimum), or its median when the range is empty. */
export function minFee(b: ProjectedBlock): number {
  return b.feeRange.length > 0 ? Math.min(...b.feeRange) : b.medianFee;
}

/**
 * Index of the first projected block whose minimum fee rate is <= `rate` (the block the transaction
 * would join); blocks.length when it pays less than every block's minimum (it waits beyond the projection).
 */
export function projectedIndex(rate: number, blocks: readonly ProjectedBlock[]): number {
  for (let k = 0; k < blocks.length; k++) if (minFee(blocks[k] as ProjectedBlock) <= rate) return k;
  return blocks.length;
}
