// Urgency 0..1: how hard the sender is pushing to be mined, read from its fee rate against the
// projected blocks (n = blocks.length, min_k = block k's minimum fee rate, k = projectedIndex).
//
//   k = 0 (makes the next block):  0.75 + 0.25 * clamp((rate - min_0) / (median_0 - min_0))
//                                  -> 0.75 at the next block's floor, 1 at or above its median fee
//   0 < k <= n:                    0.75 * (1 - k/n) + (0.75/n) * (rate - lower) / (min_{k-1} - lower)
//                                  with lower = min_k (or 0 when k = n, below every projected block)
//                                  -> each further block lowers the score by 0.75/n, linearly
//                                  between block floors, so the score is continuous and never
//                                  decreases as the fee rate rises; 0 only at a zero fee rate.
//   empty projection (empty mempool): 1, anything makes the next block.
import type { ProjectedBlock } from '../sources/mempool/stream.js';
import { minFee, projectedIndex } from './projection.js';

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

export function urgencyScore(rate: number, blocks: readonly ProjectedBlock[]): number {
  if (!Number.isFinite(rate) || rate < 0) return 0;
  const n = blocks.length;
  if (n === 0) return 1;
  const k = projectedIndex(rate, blocks);
  if (k === 0) {
    const b = blocks[0] as ProjectedBlock;
    const lo = minFee(b);
    if (b.medianFee <= lo) return 1;
    return clamp01(0.75 + 0.25 * clamp01((rate - lo) / (b.medianFee - lo)));
  }
  const upper = minFee(blocks[k - 1] as ProjectedBlock);
  const lower = k < n ? minFee(blocks[k] as ProjectedBlock) : 0;
  const frac = upper > lower ? clamp01((rate - lower) / (upper - lower)) : 0;
  return clamp01(0.75 * (1 - k / n) + (0.75 / n) * frac);
}
