// The UTXOracle price of a window of blocks, start to end (oracle.md §2-8). Pure: summaries in,
// result out; which blocks, and where the summaries come from, is the caller's business.

import type { Block } from '../chain/types.js';
import { DataError } from '../errors.js';
import { finalPrice } from './centralPrice.js';
import { confidence } from './confidence.js';
import { buildHistogram } from './histogram.js';
import { intradayPoints, type PricePoints } from './intraday.js';
import { memoryBlock } from '../summary/memoryBlock.js';
import { summarizeBlock } from '../summary/summarizeBlock.js';
import type { BlockSummary, ResolvableBlock } from '../summary/types.js';
import { WindowAccumulator } from './windowAccumulator.js';
import { roughPrice } from './roughPrice.js';

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
  /** The intraday points (price, and the height and time of its block), in window order. */
  points: PricePoints;
}

export function computePrice(summaries: readonly BlockSummary[]): OracleResult {
  if (summaries.length === 0) throw new DataError('no blocks to compute a price from');
  const acc = new WindowAccumulator();
  for (const s of summaries) acc.addResolvable(memoryBlock(s));
  return priceWindow(acc);
}

/** The price of a window whose blocks were fed, in order, to `acc` (see loadWindow in analyze). */
export function priceWindow<R extends ResolvableBlock>(acc: WindowAccumulator<R>): OracleResult {
  const first = acc.first;
  const last = acc.lastBlock;
  if (!first || !last) throw new DataError('no blocks to compute a price from');
  const outputs = acc.outputs();
  if (outputs.amounts.length === 0) throw new DataError(`no usable outputs in blocks ${first.height}..${last.height}`);
  const rough = roughPrice(buildHistogram(outputs.amounts)).price;
  const points = intradayPoints(outputs, rough);
  const fin = finalPrice(points.prices, rough);
  return {
    price: fin.price,
    roughPrice: rough,
    firstHeight: first.height,
    lastHeight: last.height,
    firstTime: first.time,
    lastTime: last.time,
    txCount: outputs.txCount,
    outputCount: outputs.amounts.length,
    pointCount: points.prices.length,
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
