import { parseBlock } from '../chain/block.js';
import { DataError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { summarizeBlock, type BlockSummary } from '../oracle/outputs.js';
import type { BlockRef, BlockSource } from '../sources/types.js';
import type { BlockCache } from './blockCache.js';

export interface LoadStats {
  blocks: number;
  fromCache: number;
  fromNode: number;
  bytesFetched: number;
}

/** Blocks fetched per request round: bounds memory (raw blocks are dropped once summarised). */
const CHUNK = 16;

/**
 * Feeds the summaries of the blocks `refs` names to `consume`, strictly in order: from the cache
 * when it holds that exact block (height and hash), otherwise fetched from the node, parsed once
 * (hash, parent link, merkle root and witness commitment checked), summarised and cached. Nothing
 * holds the whole window: a block's bytes go node -> parser -> summary -> consumer and are dropped.
 */
export async function loadWindow(
  source: BlockSource,
  refs: readonly BlockRef[],
  cache: BlockCache,
  log: Logger,
  consume: (summary: BlockSummary) => void,
  signal?: AbortSignal,
): Promise<LoadStats> {
  let fromNode = 0;
  let bytesFetched = 0;
  let i = 0;
  while (i < refs.length) {
    signal?.throwIfAborted();
    const cached = cache.get(refs[i]!.height, refs[i]!.hash);
    if (cached) {
      consume(cached);
      i++;
      continue;
    }
    // A run of blocks the cache lacks (usually the newest ones, or all of them on a first run).
    let end = i + 1;
    while (end < refs.length && end - i < CHUNK && !cache.has(refs[end]!.height, refs[end]!.hash)) end++;
    await source.getRawBlocks(refs.slice(i, end), ({ ref, bytes }) => {
      let summary: BlockSummary;
      try {
        summary = summarizeBlock(parseBlock(bytes), ref.height);
      } catch (err) {
        throw new DataError(`block ${ref.height} ${ref.hash} is malformed: ${(err as Error).message}`, undefined, { cause: err });
      }
      if (summary.time !== ref.time) throw new DataError(`block ${ref.height}: header time ${summary.time} differs from the node's ${ref.time}`);
      bytesFetched += bytes.length;
      fromNode++;
      cache.put(summary);
      consume(summary);
    });
    i = end;
  }
  const stats = { blocks: refs.length, fromCache: refs.length - fromNode, fromNode, bytesFetched };
  log.info(stats, `blocks: ${stats.fromNode} from the node, ${stats.fromCache} from the cache`);
  return stats;
}
