// The window's fetch pipeline: continuous (a block is asked for as soon as one is taken, never
// after a whole chunk has been parsed), bounded (never more than MAX_AHEAD blocks fetched or being
// summarised ahead of the one taken), in order, only the blocks the cache lacks, and the price of
// the window the same as from the blocks in memory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_AHEAD, loadWindow, priceLoaded, type WindowSources } from '../../src/analyze/loadWindow.js';
import { silentLogger } from '../../src/log/logger.js';
import { computePrice } from '../../src/oracle/price.js';
import type { BlockRef, BlockSource, RawBlock } from '../../src/sources/types.js';
import { BlockCache } from '../../src/summary/blockCache.js';
import { scanBlock } from '../../src/summary/scanBlock.js';
import { inlineSummarizer, type Summarizer } from '../../src/summary/summarizer.js';
import { generateChain } from '../fakes/chain/index.js';

const chain = generateChain({ seed: 41, date: '2025-02-02', price: 97_000, marginBeforeBlocks: 4 });
const window = chain.blocks.slice(10, 70);
const refs: BlockRef[] = window.map((b) => ({ height: b.height, hash: b.hash, time: b.time }));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Blocks served after a turn of the event loop, each fetch counted; `gate` may hold one back. */
function fakeSource(onFetch: (i: number) => void = () => undefined) {
  const fetched: number[] = [];
  const src: Partial<BlockSource> = {
    getRawBlocks: async (rs: readonly BlockRef[]): Promise<RawBlock[]> => {
      const out: RawBlock[] = [];
      for (const ref of rs) {
        const i = ref.height - window[0]!.height;
        fetched.push(i);
        onFetch(i);
        await new Promise((r) => setImmediate(r));
        out.push({ ref, bytes: new Uint8Array(chain.byHeight(ref.height)!.bytes) });
      }
      return out;
    },
  };
  return { src: src as BlockSource, fetched };
}

function cacheDir(): BlockCache {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-window-'));
  dirs.push(dir);
  return new BlockCache(dir, silentLogger, true);
}

/** Counts blocks in flight: fetched and not yet written to the cache (which happens when taken). */
function counting(cache: BlockCache, fetched: number[]) {
  let taken = 0;
  let most = 0;
  const put = cache.put.bind(cache);
  cache.put = (h, hash, bytes) => {
    taken++;
    put(h, hash, bytes);
  };
  return {
    sample: () => (most = Math.max(most, fetched.length - taken)),
    get most() {
      return most;
    },
  };
}

const want = computePrice(window.map((b) => scanBlock(b.bytes, b.height))).price;

describe('loadWindow', () => {
  it(`keeps at most ${MAX_AHEAD} blocks in flight, takes them in order, and prices as the blocks in memory`, async () => {
    const cache = cacheDir();
    const box: { c?: ReturnType<typeof counting> } = {};
    const { src, fetched } = fakeSource(() => box.c?.sample());
    const c = (box.c = counting(cache, fetched));
    const win: WindowSources = { source: src, cache, summarizer: inlineSummarizer() };
    const loaded = await loadWindow(win, refs, silentLogger);
    expect(fetched).toEqual(refs.map((_, i) => i));
    expect(loaded.stats).toMatchObject({ blocks: 60, fromNode: 60, fromCache: 0 });
    expect(loaded.stats.maxAhead).toBeLessThanOrEqual(MAX_AHEAD);
    expect(c.most).toBeLessThanOrEqual(MAX_AHEAD);
    expect(c.most).toBeGreaterThan(1); // it does fetch ahead
    expect(priceLoaded(cache, loaded).price).toBe(want);
  });

  it('has no barrier: a slow parse does not stop the blocks after it being fetched', async () => {
    // Block 1's parse finishes only once block MAX_AHEAD has been asked for. Chunks of MAX_AHEAD
    // that wait for their parses would never ask: the load would hang (and the test time out).
    let release: () => void = () => undefined;
    const later = new Promise<void>((r) => (release = r));
    const { src } = fakeSource((i) => {
      if (i === MAX_AHEAD) release();
    });
    const inline = inlineSummarizer();
    const summarizer: Summarizer = {
      summarize: async (height, bytes, batch) => {
        if (height === refs[1]!.height) await later;
        return inline.summarize(height, bytes, batch);
      },
      close: () => Promise.resolve(),
    };
    const cache = cacheDir();
    const loaded = await loadWindow({ source: src, cache, summarizer }, refs, silentLogger);
    expect(priceLoaded(cache, loaded).price).toBe(want);
  }, 10_000);

  it('fetches only what the cache lacks, and a second load fetches nothing', async () => {
    const cache = cacheDir();
    const load = async (rs: BlockRef[]) => {
      const { src, fetched } = fakeSource();
      const loaded = await loadWindow({ source: src, cache, summarizer: inlineSummarizer() }, rs, silentLogger);
      return { price: priceLoaded(cache, loaded).price, fetched, stats: loaded.stats };
    };
    await load(refs.slice(0, 30));
    const all = await load(refs);
    expect(all.fetched).toEqual(refs.slice(30).map((_, i) => 30 + i));
    expect(all.stats).toMatchObject({ fromCache: 30, fromNode: 30 });
    expect(all.price).toBe(want);
    const again = await load(refs);
    expect(again.fetched).toEqual([]);
    expect(again.price).toBe(want);
  });

  it('blocks the parser threads fetch themselves are taken from them; the ones they cannot are fetched as usual', async () => {
    const inline = inlineSummarizer();
    const urls: string[] = [];
    const summarizer: Summarizer = {
      ...inline,
      fetchAndSummarize: (height, f) => {
        urls.push(f.url);
        if (height % 2) return Promise.resolve({ refetch: 'HTTP 503' });
        const b = chain.byHeight(height)!;
        return inline.summarize(height, b.bytes).then((encoded) => ({ encoded, bytes: b.bytes.length }));
      },
    };
    const { src, fetched } = fakeSource();
    const cache = cacheDir();
    const direct = { url: (hash: string) => Promise.resolve(`http://node/rest/block/${hash}.bin`), timeoutMs: 1_000 };
    const loaded = await loadWindow({ source: src, cache, summarizer, direct }, refs, silentLogger);
    expect(urls).toHaveLength(60);
    expect(fetched).toEqual(refs.flatMap((r, i) => (r.height % 2 ? [i] : [])));
    expect(loaded.stats.bytesFetched).toBe(window.reduce((n, b) => n + b.bytes.length, 0));
    expect(priceLoaded(cache, loaded).price).toBe(want);
  });
});
