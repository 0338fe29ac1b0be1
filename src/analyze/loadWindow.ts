import { DataError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { BlockSummary } from '../oracle/outputs.js';
import type { BlockRef, BlockSource } from '../sources/types.js';
import type { BlockCache } from './blockCache.js';
import type { Summarizer } from './summarizer.js';

export interface LoadStats {
  blocks: number;
  fromCache: number;
  fromNode: number;
  bytesFetched: number;
}

/** Blocks fetched per request round: bounds memory (raw blocks are dropped once summarised). */
const CHUNK = 8;

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
  summarizer: Summarizer,
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
    // Parsing runs on the summarizer's threads while the rest of the run is still being fetched.
    const parsed: { ref: BlockRef; job: Promise<{ summary: BlockSummary; encoded: Uint8Array }> }[] = [];
    await source.getRawBlocks(refs.slice(i, end), ({ ref, bytes }) => {
      bytesFetched += bytes.length;
      const job = summarizer.summarize(ref.height, bytes);
      job.catch(() => undefined); // awaited below, in order
      parsed.push({ ref, job });
    });
    for (const { ref, job } of parsed) {
      const { summary, encoded } = await job;
      if (summary.hash !== ref.hash) throw new DataError(`block ${ref.height}: parsed hash ${summary.hash} is not the ${ref.hash} asked for`);
      if (summary.time !== ref.time) throw new DataError(`block ${ref.height}: header time ${summary.time} differs from the node's ${ref.time}`);
      fromNode++;
      cache.put(summary, encoded);
      consume(summary);
    }
    i = end;
  }
  const stats = { blocks: refs.length, fromCache: refs.length - fromNode, fromNode, bytesFetched };
  log.info(stats, `blocks: ${stats.fromNode} from the node, ${stats.fromCache} from the cache`);
  return stats;
}
