// The UTXOracle price of a window of blocks, start to end (oracle.md §2-8). Pure: summaries in,
// result out; which blocks, and where the summaries come from, is the caller's business.

import type { Block } from '../chain/types.js';
import { DataError } from '../errors.js';
import { finalPrice } from './centralPrice.js';
import { confidence } from './confidence.js';
import { buildHistogram } from './histogram.js';
import { intradayPoints } from './intraday.js';
import { type BlockSummary, summarizeBlock, windowOutputs } from './outputs.js';
import { roughPrice } from './roughPrice.js';

export interface PricePoint {
  price: number;
  height: number;
  time: number;
}

export interface OracleResult {
  /** The consensus price, a double (the reference prints Math.trunc of it). */
  price: number;
  /** Whole dollars, from the stencil fit. */
  roughPrice: number;
  firstHeight: number;
  lastHeight: number;
  /** Header times of the first and last block (not min/max: times are not monotonic). */
  firstTime: number;
  lastTime: number;
  /** Transactions scanned. */
  txCount: number;
  /** Outputs that passed every filter. */
  outputCount: number;
  /** Intraday price points. */
  pointCount: number;
  /** Points within rough ± 5%, the ones the price is chosen from. */
  pointsInWindow: number;
  dev: number;
  devPct: number;
  /** The reference chart's y half-range relative to price (0.05..0.2). */
  axRange: number;
  /** See confidence.ts. */
  confidence: number;
  points: PricePoint[];
}

/** Summaries must be consecutive blocks in height order (the same-day rule depends on order). */
function checkConsecutive(summaries: readonly BlockSummary[]): void {
  if (summaries.length === 0) throw new DataError('no blocks to compute a price from');
  for (let i = 1; i < summaries.length; i++) {
    if (summaries[i]!.height !== summaries[i - 1]!.height + 1) {
      throw new DataError(`blocks must be consecutive: height ${summaries[i]!.height} follows ${summaries[i - 1]!.height}`);
    }
  }
}

export function computePrice(summaries: readonly BlockSummary[]): OracleResult {
  checkConsecutive(summaries);
  const outputs = windowOutputs(summaries);
  if (outputs.amounts.length === 0) throw new DataError(`no usable outputs in blocks ${summaries[0]!.height}..${summaries.at(-1)!.height}`);
  const rough = roughPrice(buildHistogram(outputs.amounts)).price;
  const pts = intradayPoints(outputs, rough);
  const fin = finalPrice(pts.prices, rough);
  const points: PricePoint[] = Array.from(pts.prices, (price, i) => ({ price, height: pts.heights[i]!, time: pts.times[i]! }));
  return {
    price: fin.price,
    roughPrice: rough,
    firstHeight: summaries[0]!.height,
    lastHeight: summaries.at(-1)!.height,
    firstTime: summaries[0]!.time,
    lastTime: summaries.at(-1)!.time,
    txCount: outputs.txCount,
    outputCount: outputs.amounts.length,
    pointCount: points.length,
    pointsInWindow: fin.pointsInWindow,
    dev: fin.dev,
    devPct: fin.devPct,
    axRange: fin.axRange,
    confidence: confidence(fin.pointsInWindow, fin.devPct),
    points,
  };
}

/** Convenience for tests and tools: parsed blocks (with their heights, in order) to a price. */
export function computePriceFromBlocks(blocks: ReadonlyArray<{ block: Block; height: number }>): OracleResult {
  return computePrice(blocks.map(({ block, height }) => summarizeBlock(block, height)));
}
