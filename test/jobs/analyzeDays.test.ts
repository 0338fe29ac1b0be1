// analyze by the day against the simulated node: the date search on bulk header reads (a few
// requests, the reference's window on chains with midnight quirks), the block cache bounded by
// BLOCK_CACHE_DAYS across a range, and the cron run's memory of days it cannot price.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateWindow } from '../../src/oracle/window.js';
import { fixedClock } from '../../src/lib/clock.js';
import { createBitcoindClient } from '../../src/sources/bitcoind/index.js';
import type { BlockSource } from '../../src/sources/types.js';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import type { LoggedRequest } from '../fakes/bitcoind/index.js';
import type { SyntheticChain } from '../fakes/chain/index.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';

const isHeaderRead = (r: LoggedRequest) =>
  r.name === 'getblockhash' || r.name === 'getblockheader' || r.name.startsWith('/rest/headers/');
/** The reference's walk reading one header at a time, straight from the chain. */
const oneByOne = (chain: SyntheticChain, date: string) =>
  dateWindow(date, chain.tip.height, async (h) => {
    const b = chain.byHeight(h);
    if (!b) throw new Error(`no block ${h}`);
    return b.time;
  });

/** A dry date run for 2025-06-01, held to the one-by-one walk's window; the node requests it made. */
async function dateRunRequests(e: AnalyzeEnv): Promise<LoggedRequest[]> {
  const before = e.node.requests.length;
  const { code, doc } = await e.run({ mode: 'date', date: '2025-06-01' }, { dryRun: true });
  expect(code).toBe(0);
  const w = await oneByOne(e.chain, '2025-06-01');
  expect([doc.first_height, doc.last_height]).toEqual([w.firstHeight, w.lastHeight]);
  return e.node.requests.slice(before);
}

describe('analyze --date: the window search on bulk header reads', () => {
  it.each([
    ['regular times', {}],
    [
      'a block stamped 00:00:00 exactly and out-of-order stamps at both midnights',
      { midnightExact: true, outOfOrderAtMidnight: true },
    ],
    ['out-of-order stamps only', { outOfOrderAtMidnight: true }],
  ])("%s: the one-by-one walk's window, in a few header requests", async (_name, timeQuirks) => {
    const e = await startAnalyzeEnv({ seed: 31, timeQuirks });
    try {
      // One search with a node that reads one header at a time made ~300 header calls and then
      // ~145 more for the window's refs; here: two loads, each a getblockhash and one REST GET
      // (plus one getblockhash refused below this chain's first block).
      const reads = (await dateRunRequests(e)).filter(isHeaderRead);
      expect(reads.length).toBeLessThanOrEqual(6);
    } finally {
      await e.close();
    }
  });

  it('over RPC only (no REST), the same window, each header read once', async () => {
    const e = await startAnalyzeEnv({ seed: 32, timeQuirks: { outOfOrderAtMidnight: true } }, 105_500, { rest: false });
    try {
      // Batches of getblockhash + getblockheader; no height asked twice beyond the one-height overlaps.
      const headers = (await dateRunRequests(e)).filter((r) => r.name === 'getblockheader').length;
      expect(headers).toBeLessThanOrEqual(e.chain.blocks.length + 2);
    } finally {
      await e.close();
    }
  });
});

/** A client on the fake node that records how many cache entries exist each time blocks are fetched. */
function sampling(e: AnalyzeEnv, cacheDir: string, seen: number[]): BlockSource {
  const client = createBitcoindClient({
    url: e.node.url,
    cookieFile: e.node.cookiePath,
    timeoutMs: 5_000,
    concurrency: 4,
    retries: 2,
    retryDelayMs: 5,
  });
  return {
    ...client,
    getRawBlocks: (refs, onBlock) => {
      seen.push(fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => f.endsWith('.uxs')).length : 0);
      return client.getRawBlocks(refs, onBlock);
    },
  };
}

describe('the block cache stays bounded by BLOCK_CACHE_DAYS in every mode', () => {
  let e: AnalyzeEnv;
  beforeAll(async () => {
    // Five days of blocks before the tip: a range of old days, far below what cron keeps.
    e = await startAnalyzeEnv({ seed: 33, marginBeforeBlocks: 144 * 4 });
  });
  afterAll(() => e.close());

  it('a range of old days keeps only the recent blocks and the window in hand', async () => {
    const cacheDir = path.join(e.dataDir, 'block-cache');
    const seen: number[] = [];
    const blocks = sampling(e, cacheDir, seen);
    const r = await e.run(
      { mode: 'range', from: '2025-05-29', to: '2025-06-01' },
      { env: { BLOCK_CACHE_DAYS: '1' }, deps: { blocks } },
    );
    await blocks.close();
    expect(r.code).toBe(0);
    expect(r.doc.priced).toBe(4);
    const tip = e.chain.tip.height;
    const floor = tip - 144 * 2; // BLOCK_CACHE_DAYS = 1: one day below the recent window
    const heights = fs.readdirSync(cacheDir).map((f) => Number(f.split('-')[0]));
    expect(heights.length).toBeGreaterThan(0);
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(floor);
    // While it ran: never more than the recent blocks plus the two windows in flight (~150 each
    // here), where the old code kept every block of every day (~650).
    expect(Math.max(...seen)).toBeLessThanOrEqual(tip - floor + 1 + 2 * 170);
    // The days are priced as from nothing.
    const empty = fs.mkdtempSync(path.join(path.dirname(e.dataDir), 'analyze-cold-'));
    const cold = await e.run(
      { mode: 'date', date: '2025-05-30' },
      { dryRun: true, env: { UTXORACLE_DATA_DIR: empty } },
    );
    const saved = await withDatabase(path.join(e.dataDir, 'utxoracle_cache.db'), (c) =>
      queryRows(c, "SELECT price FROM daily_prices WHERE date = '2025-05-30'"),
    );
    expect(saved).toEqual([{ price: cold.doc.utxoracle_price }]);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('a date run of an old day leaves its entries behind no more than a range does', async () => {
    const cacheDir = path.join(e.dataDir, 'block-cache');
    const r = await e.run({ mode: 'date', date: '2025-05-29' }, { env: { BLOCK_CACHE_DAYS: '1' } });
    expect(r.code).toBe(0);
    expect(r.doc.blocks_from_node).toBeGreaterThan(100); // pruned by the range before
    const heights = fs.readdirSync(cacheDir).map((f) => Number(f.split('-')[0]));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(e.chain.tip.height - 144 * 2);
  });
});

describe('the cron run remembers finished days it cannot price', () => {
  let e: AnalyzeEnv;
  const backoffFile = () => path.join(e.dataDir, 'analyze-backoff.json');
  const tried = (from: number, date: string) =>
    // Trying a day starts with reading the tip for its search: the recent window reads it once.
    e.node.requests.slice(from).filter((r) => r.name === 'getblockcount').length > 1 ? date : undefined;
  beforeAll(async () => {
    e = await startAnalyzeEnv({ seed: 34 });
  });
  afterAll(() => e.close());

  it('a day before the chain is tried once, then not until the chain changes or a day has passed', async () => {
    const env = { ANALYZE_BACKFILL_DAYS: '1' };
    const first = await e.run({ mode: 'recent' }, { env });
    expect(first.code).toBe(0);
    const [newest, older] = first.doc.daily;
    expect(newest).toMatchObject({ date: '2025-06-01', newest: true });
    expect(newest.price).toBeGreaterThan(0);
    expect(older).toMatchObject({ date: '2025-05-31', newest: false, kind: 'unserved' });
    expect(older.error).toMatch(/before the first block this node serves/);
    expect(older.retry).toMatch(/^when the chain changes, or after \d{4}-/);
    expect(JSON.parse(fs.readFileSync(backoffFile(), 'utf8')).days).toHaveLength(1);

    // A new block: the tip moved, the chain did not change. Not tried; the result says why.
    e.chain.append(1);
    let from = e.node.requests.length;
    const second = await e.run({ mode: 'recent' }, { env });
    expect(second.code).toBe(0);
    expect(tried(from, '2025-05-31')).toBeUndefined();
    expect(second.doc.daily).toEqual([
      expect.objectContaining({ date: '2025-05-31', backed_off: true, kind: 'unserved', error: older.error }),
    ]);

    // A reorg replaces the tip the failure was seen on: the chain changed, so it is tried again.
    e.chain.reorg(2);
    from = e.node.requests.length;
    const third = await e.run({ mode: 'recent' }, { env });
    expect(tried(from, '2025-05-31')).toBe('2025-05-31');
    expect(third.doc.daily[0]).toMatchObject({ date: '2025-05-31', kind: 'unserved' });
    expect(third.doc.daily[0].backed_off).toBeUndefined();

    // Same chain, but a day later by the run's clock: tried again.
    const same = await e.run({ mode: 'recent' }, { env });
    expect(same.doc.daily[0].backed_off).toBe(true);
    from = e.node.requests.length;
    const dayLater = await e.run({ mode: 'recent' }, { env, clock: fixedClock(Date.now() + 25 * 3600_000) });
    expect(tried(from, '2025-05-31')).toBe('2025-05-31');
    expect(dayLater.doc.daily[0].backed_off).toBeUndefined();
  });

  it('a day whose blocks the node pruned is remembered as pruned; once priced, it is forgotten', async () => {
    const db = path.join(e.dataDir, 'utxoracle_cache.db');
    await withDatabase(db, (c) => c.run("DELETE FROM daily_prices WHERE date = '2025-06-01'"));
    fs.rmSync(path.join(e.dataDir, 'block-cache'), { recursive: true, force: true });
    // The node keeps the recent window's blocks, not the start of the day before it.
    e.node.setPruneHeight(e.chain.tip.height - 144);
    const pruned = await e.run({ mode: 'recent' });
    expect(pruned.code).toBe(0);
    expect(pruned.doc.daily[0]).toMatchObject({ date: '2025-06-01', kind: 'pruned' });
    expect(pruned.doc.daily[0].error).toMatch(/not available \(pruned data\)/);
    const again = await e.run({ mode: 'recent' });
    expect(again.doc.daily[0]).toMatchObject({ date: '2025-06-01', backed_off: true, kind: 'pruned' });
    // The node has the blocks again (a re-download): after a day it is tried, priced, and forgotten.
    e.node.setPruneHeight(undefined);
    const later = await e.run({ mode: 'recent' }, { clock: fixedClock(Date.now() + 25 * 3600_000) });
    expect(later.doc.daily[0].price).toBeGreaterThan(0);
    expect(fs.existsSync(backoffFile())).toBe(false);
  });

  it('a data directory that refuses the file costs the next run a retry, not this run its result', async () => {
    // A directory where the file goes: writing and renaming it both fail, as on a full or
    // read-only disk (and as root, which no permission stops).
    fs.mkdirSync(path.join(backoffFile(), 'in-the-way'), { recursive: true });
    try {
      const env = { ANALYZE_BACKFILL_DAYS: '1' };
      const r = await e.run({ mode: 'recent' }, { env });
      expect(r.code).toBe(0);
      expect(r.doc.utxoracle_price).toBeGreaterThan(0);
      expect(r.doc.daily).toEqual([expect.objectContaining({ date: '2025-05-31', kind: 'unserved' })]);
      expect(fs.readdirSync(e.dataDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
      // Nothing was remembered, so the next run simply tries the day again.
      const from = e.node.requests.length;
      const next = await e.run({ mode: 'recent' }, { env });
      expect(tried(from, '2025-05-31')).toBe('2025-05-31');
      expect(next.doc.daily[0].backed_off).toBeUndefined();
    } finally {
      fs.rmSync(backoffFile(), { recursive: true, force: true });
    }
  });

  it("a day's row the database refuses is that day's failure; the run's row and the other days stand", async () => {
    const db = path.join(e.dataDir, 'utxoracle_cache.db');
    // daily_prices as a view: it reads as before, and an INSERT into it fails.
    await withDatabase(db, async (c) => {
      await c.run("DELETE FROM daily_prices WHERE date = '2025-06-01'");
      await c.run('ALTER TABLE daily_prices RENAME TO daily_prices_kept');
      await c.run('CREATE VIEW daily_prices AS SELECT * FROM daily_prices_kept');
    });
    try {
      const before = await withDatabase(db, (c) => queryRows(c, 'SELECT count(*) AS n FROM prices'));
      const r = await e.run({ mode: 'recent' });
      expect(r.code).toBe(0);
      expect(r.doc.saved_to).toBe(db);
      expect(r.doc.daily).toEqual([
        expect.objectContaining({
          date: '2025-06-01',
          error: expect.stringMatching(/^could not save the daily price: /),
        }),
      ]);
      const after = await withDatabase(db, (c) => queryRows(c, 'SELECT count(*) AS n FROM prices'));
      expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) + 1);
      // A range saves what it can and names the day it could not.
      const range = await e.run({ mode: 'range', from: '2025-06-01', to: '2025-06-01' });
      expect(range.code).toBe(1);
      expect(range.doc.days).toEqual([
        expect.objectContaining({
          date: '2025-06-01',
          error: expect.stringMatching(/^could not save the daily price: /),
        }),
      ]);
    } finally {
      await withDatabase(db, async (c) => {
        await c.run('DROP VIEW daily_prices');
        await c.run('ALTER TABLE daily_prices_kept RENAME TO daily_prices');
      });
    }
    // Not remembered as unpriceable: with the table back, the next run prices and saves it.
    const next = await e.run({ mode: 'recent' });
    expect(next.doc.daily[0]).toMatchObject({ date: '2025-06-01' });
    expect(next.doc.daily[0].price).toBeGreaterThan(0);
  });
});
