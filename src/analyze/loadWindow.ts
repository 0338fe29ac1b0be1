import { DataError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { WindowAccumulator } from '../oracle/windowAccumulator.js';
import type { BlockRef, BlockSource } from '../sources/types.js';
import type { BlockCache } from '../summary/blockCache.js';
import { decodeEntry, type Entry } from '../summary/codec.js';
import type { Summarizer } from '../summary/summarizer.js';

export interface LoadStats {
  blocks: number;
  fromCache: number;
  fromNode: number;
  bytesFetched: number;
}

/** Blocks fetched per request round: bounds memory (raw blocks are dropped once summarised). */
const CHUNK = 8;

/**
 * Feeds the blocks `refs` names to `acc`, strictly in order. A block the cache holds (that exact
 * height and hash) comes from it: just its amounts when its funding heights cover the window (the
 * usual case), the whole summary when they do not. Any other block is fetched from the node,
 * parsed once (hash, parent link, merkle root and witness commitment checked), summarised and
 * cached. Nothing holds the raw window: a block's bytes go node -> parser -> summary and are dropped.
 */
export async function loadWindow(
  source: BlockSource,
  refs: readonly BlockRef[],
  cache: BlockCache,
  summarizer: Summarizer,
  log: Logger,
  acc: WindowAccumulator<Entry>,
  signal?: AbortSignal,
): Promise<LoadStats> {
  let fromNode = 0;
  let bytesFetched = 0;
  let i = 0;
  while (i < refs.length) {
    signal?.throwIfAborted();
    const { height, hash } = refs[i]!;
    if (fromCache(cache, height, hash, acc)) {
      i++;
      continue;
    }
    // A run of blocks the cache lacks (usually the newest ones, or all of them on a first run).
    let end = i + 1;
    while (end < refs.length && end - i < CHUNK && !cache.has(refs[end]!.height, refs[end]!.hash)) end++;
    // Parsing runs on the summarizer's threads while the rest of the run is still being fetched.
    const parsed: { ref: BlockRef; job: Promise<Uint8Array> }[] = [];
    const batch = refs.slice(i, end);
    await source.getRawBlocks(batch, ({ ref, bytes }) => {
      bytesFetched += bytes.length;
      const job = summarizer.summarize(ref.height, bytes, batch.length);
      job.catch(() => undefined); // awaited below, in order
      parsed.push({ ref, job });
    });
    for (const { ref, job } of parsed) {
      const entry = decodeEntry(await job);
      const { hash, time } = entry.header;
      if (hash !== ref.hash)
        throw new DataError(`block ${ref.height}: parsed hash ${hash} is not the ${ref.hash} asked for`);
      if (time !== ref.time)
        throw new DataError(`block ${ref.height}: header time ${time} differs from the node's ${ref.time}`);
      fromNode++;
      // Cached now, unresolved, so a killed run keeps its parsing; rewritten once resolved (cacheResolved).
      cache.put(ref.height, ref.hash, entry.bytes);
      acc.addResolvable(entry);
    }
    i = end;
  }
  const stats = { blocks: refs.length, fromCache: refs.length - fromNode, fromNode, bytesFetched };
  log.info(stats, `blocks: ${stats.fromNode} from the node, ${stats.fromCache} from the cache`);
  return stats;
}

/** Adds a cached block to the window; false when the cache lacks it (or it was damaged). */
function fromCache(cache: BlockCache, height: number, hash: string, acc: WindowAccumulator<Entry>): boolean {
  const hit = cache.read(height, hash, (resolvedFrom) => acc.covers(resolvedFrom, height));
  if (!hit) return false;
  if ('block' in hit) acc.add(hit.block);
  else acc.addResolvable(hit.entry);
  return true;
}

/** Caches the funding heights the window worked out, so the next run reads them instead. */
export function cacheResolved(acc: WindowAccumulator<Entry>, cache: BlockCache): void {
  for (const { block, funding } of acc.resolved()) cache.putResolved(block, funding);
}
