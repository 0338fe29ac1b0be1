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
const CHUNK = 24;

/**
 * The summaries of the blocks `refs` names, in order: from the cache when it holds that exact
 * block (height and hash), otherwise fetched from the node, parsed once (merkle root checked),
 * summarised and cached. A block's bytes go one way: node -> parser -> summary, never back.
 */
export async function loadSummaries(
  source: BlockSource,
  refs: readonly BlockRef[],
  cache: BlockCache,
  log: Logger,
  signal?: AbortSignal,
): Promise<{ summaries: BlockSummary[]; stats: LoadStats }> {
  const out: (BlockSummary | undefined)[] = refs.map((r) => cache.get(r.height, r.hash));
  const missing = refs.filter((_, i) => out[i] === undefined);
  const index = new Map(refs.map((r, i) => [r.height, i]));
  let bytesFetched = 0;
  for (let i = 0; i < missing.length; i += CHUNK) {
    signal?.throwIfAborted();
    await source.getRawBlocks(missing.slice(i, i + CHUNK), ({ ref, bytes }) => {
      let summary: BlockSummary;
      try {
        summary = summarizeBlock(parseBlock(bytes), ref.height);
      } catch (err) {
        throw new DataError(`block ${ref.height} ${ref.hash} is malformed: ${(err as Error).message}`, undefined, { cause: err });
      }
      if (summary.time !== ref.time) throw new DataError(`block ${ref.height}: header time ${summary.time} differs from the node's ${ref.time}`);
      bytesFetched += bytes.length;
      cache.put(summary);
      out[index.get(ref.height)!] = summary;
    });
  }
  const stats = { blocks: refs.length, fromCache: refs.length - missing.length, fromNode: missing.length, bytesFetched };
  log.info(stats, `blocks: ${stats.fromNode} from the node, ${stats.fromCache} from the cache`);
  return { summaries: out as BlockSummary[], stats };
}
