import { DataError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { priceWindow, type OracleResult } from '../oracle/price.js';
import { WindowAccumulator } from '../oracle/windowAccumulator.js';
import type { BlockRef, BlockSource } from '../sources/types.js';
import { OpenEntries, type BlockCache } from '../summary/blockCache.js';
import { decodeEntry, type Entry } from '../summary/codec.js';
import type { Summarizer } from '../summary/summarizer.js';

/** Where a window's blocks come from: the node, the block cache, and the parser threads. */
export interface WindowSources {
  source: BlockSource;
  cache: BlockCache;
  summarizer: Summarizer;
  /**
   * Where the parser threads may fetch a block themselves (the node's REST URL for it, undefined
   * when REST is not served): the job sets it for its own node client. A block they cannot fetch
   * that way is fetched from `source` as usual.
   */
  direct?: { url(hash: string): Promise<string | undefined>; timeoutMs: number };
}

export interface LoadStats {
  blocks: number;
  fromCache: number;
  fromNode: number;
  bytesFetched: number;
  /** The most blocks fetched or being summarised ahead of the one the window took next. */
  maxAhead: number;
}

/** A window whose blocks are all in: ready to be priced (priceLoaded). */
export interface LoadedWindow {
  refs: readonly BlockRef[];
  acc: WindowAccumulator<Entry>;
  /** Cache files its blocks' txids are read from, closed once priced. */
  open: OpenEntries;
  stats: LoadStats;
}

/**
 * Blocks fetched or being summarised ahead of the one the window takes next. It bounds the raw
 * bytes held (a block is ~1.5 MB, at most ~4 MB) and keeps both parser threads and the node's
 * connections busy: twice the default BITCOIN_RPC_CONCURRENCY.
 */
export const MAX_AHEAD = 8;

/**
 * Feeds the blocks `refs` names to a new window accumulator, strictly in order. A block the cache
 * holds (that exact height and hash) comes from it: just its amounts when its funding heights cover
 * the window (the usual case), the whole summary when they do not. Any other block is fetched from
 * the node, parsed once (hash, merkle root and witness commitment checked), summarised and cached.
 *
 * Fetching is one continuous pipeline: as each block is taken, the next missing one is asked for,
 * so at most `maxAhead` blocks are in flight (fetching, waiting for a parser thread, or parsed and
 * waiting their turn) and no chunk waits for the slowest of its parses. Each block is checked to
 * hash to its ref, and the refs were checked to form one chain (HeaderIndex), so each block
 * builds on the one before. Nothing holds the raw window: a block's bytes go node -> parser ->
 * summary and are dropped.
 */
export async function loadWindow(
  win: WindowSources,
  refs: readonly BlockRef[],
  log: Logger,
  signal?: AbortSignal,
  maxAhead = MAX_AHEAD,
): Promise<LoadedWindow> {
  const { source, cache, summarizer } = win;
  const acc = new WindowAccumulator<Entry>();
  const open = new OpenEntries();
  const cached = refs.map((r) => cache.has(r.height, r.hash));
  // How many blocks this window fetches: one or two are parsed in place (summarizer.ts).
  const toFetch = cached.filter((c) => !c).length;
  const inFlight = new Map<number, Promise<Uint8Array>>();
  let bytesFetched = 0;
  let fromNode = 0;
  let most = 0;
  const viaSource = async (ref: BlockRef): Promise<Uint8Array> => {
    const [block] = await source.getRawBlocks([ref]);
    bytesFetched += block!.bytes.length;
    return summarizer.summarize(ref.height, block!.bytes, toFetch);
  };
  const viaThread = async (ref: BlockRef): Promise<Uint8Array> => {
    const url = await win.direct!.url(ref.hash);
    const got = url
      ? summarizer.fetchAndSummarize?.(ref.height, { url, hash: ref.hash, timeoutMs: win.direct!.timeoutMs }, toFetch)
      : undefined;
    const r = await got;
    if (r && 'encoded' in r) {
      bytesFetched += r.bytes;
      return r.encoded;
    }
    if (r) log.debug({ height: ref.height, why: r.refetch }, 'block fetched again on the main thread');
    return viaSource(ref);
  };
  const launch = (i: number): void => {
    const ref = refs[i]!;
    const job = win.direct && summarizer.fetchAndSummarize ? viaThread(ref) : viaSource(ref);
    job.catch(() => undefined); // awaited in order below; a failure ahead must not go unhandled
    inFlight.set(i, job);
    most = Math.max(most, inFlight.size);
  };
  let scan = 0;
  try {
    for (let i = 0; i < refs.length; i++) {
      signal?.throwIfAborted();
      for (; scan < refs.length && inFlight.size < maxAhead; scan++) if (scan >= i && !cached[scan]) launch(scan);
      if (!inFlight.has(i)) {
        if (fromCache(cache, refs[i]!, acc, open)) continue;
        launch(i); // not cached, or the entry was damaged and dropped
      }
      const encoded = await inFlight.get(i)!;
      inFlight.delete(i);
      const entry = decodeEntry(encoded, { checksums: false }); // encoded in this process just now
      const ref = refs[i]!;
      const { hash, time } = entry.header;
      if (hash !== ref.hash)
        throw new DataError(`block ${ref.height}: parsed hash ${hash} is not the ${ref.hash} asked for`);
      if (time !== ref.time)
        throw new DataError(`block ${ref.height}: header time ${time} differs from the node's ${ref.time}`);
      fromNode++;
      // Cached now, unresolved, so a killed run keeps its parsing; rewritten once resolved (priceLoaded).
      cache.put(ref.height, ref.hash, entry.bytes);
      acc.addResolvable(entry);
    }
  } catch (err) {
    open.close();
    throw err;
  }
  const stats = { blocks: refs.length, fromCache: refs.length - fromNode, fromNode, bytesFetched, maxAhead: most };
  log.info(
    { blocks: stats.blocks, fromCache: stats.fromCache, fromNode: stats.fromNode, bytesFetched },
    `blocks: ${stats.fromNode} from the node, ${stats.fromCache} from the cache`,
  );
  return { refs, acc, open, stats };
}

/** Adds a cached block to the window; false when the cache lacks it (or it was damaged). */
function fromCache(cache: BlockCache, ref: BlockRef, acc: WindowAccumulator<Entry>, open: OpenEntries): boolean {
  const hit = cache.read(ref.height, ref.hash, (resolvedFrom) => acc.covers(resolvedFrom, ref.height), open);
  if (!hit) return false;
  if ('block' in hit) acc.add(hit.block);
  else acc.addResolvable(hit.entry);
  return true;
}

/**
 * Prices a loaded window, then caches the funding heights it worked out, so the next run reads
 * them instead of resolving those blocks again.
 */
export function priceLoaded(cache: BlockCache, loaded: LoadedWindow): OracleResult {
  let result: OracleResult;
  try {
    result = priceWindow(loaded.acc);
  } finally {
    loaded.open.close();
  }
  for (const { block, funding } of loaded.acc.resolved()) cache.putResolved(block, funding);
  return result;
}
