// The library's window pricing: which blocks (oracle.md §1, recent or date mode, with the
// reference's date search over block times), each summarised once and dropped, then priced by
// the same steps the analyze job runs. The job adds a cache, threads and a node client around
// these steps; the double is the same.
import { DataError } from '../errors.js';
import { computePrice, type OracleResult } from '../oracle/price.js';
import { dateWindow, heightsOf, recentWindow, type BlockWindow } from '../oracle/window.js';
import { scanBlock } from '../summary/scanBlock.js';
import type { BlockSummary } from '../summary/types.js';

/** Where a window's blocks come from: any chain you can read by height (a node, a directory, a fake). */
export interface RawBlockSource {
  /** Height of the chain's tip. */
  tipHeight(): number | Promise<number>;
  /** Header time (Unix seconds, as the miner wrote it) of the block at `height`. */
  blockTime(height: number): number | Promise<number>;
  /** The block at `height`, in consensus serialization (`getblock <hash> 0`, `blk*.dat` records, `.bin`). */
  rawBlock(height: number): Uint8Array | Promise<Uint8Array>;
}

export interface WindowPrice extends OracleResult {
  /** The blocks priced. */
  window: BlockWindow;
}

/** Summaries of the window's blocks, each checked (every parseBlock check) and held to its block time. */
async function summaries(source: RawBlockSource, window: BlockWindow): Promise<BlockSummary[]> {
  const out: BlockSummary[] = [];
  for (const height of heightsOf(window)) {
    const summary = scanBlock(await source.rawBlock(height), height);
    const time = await source.blockTime(height);
    if (summary.time !== time)
      throw new DataError(`block ${height}: header time ${summary.time} differs from the source's block time ${time}`);
    out.push(summary);
  }
  return out;
}

/** Prices the given consecutive blocks (summaries of them, in height order). */
export function priceSummaries(blocks: readonly BlockSummary[]): OracleResult {
  return computePrice(blocks);
}

/** Recent mode (analyze's cron run): the 144 blocks tip-144 .. tip-1. */
export async function priceRecent(source: RawBlockSource): Promise<WindowPrice> {
  const window = recentWindow(await source.tipHeight());
  return { ...computePrice(await summaries(source, window)), window };
}

/** Date mode (analyze --date): the blocks of a UTC day `YYYY-MM-DD`, found as the reference finds them. */
export async function priceDate(date: string, source: RawBlockSource): Promise<WindowPrice> {
  const tip = await source.tipHeight();
  const window = await dateWindow(date, tip, async (h) => source.blockTime(h));
  return { ...computePrice(await summaries(source, window)), window };
}
