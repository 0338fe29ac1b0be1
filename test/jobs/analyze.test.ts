import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';

const ROW_KEYS = [
  'utxoracle_price',
  'rough_price',
  'mempool_price',
  'confidence',
  'tx_count',
  'output_count',
  'point_count',
  'first_height',
  'last_height',
  'diff_amount',
  'diff_percent',
  'is_valid',
];

describe('analyze --recent against the simulated node', () => {
  let e: AnalyzeEnv;
  beforeAll(async () => {
    e = await startAnalyzeEnv();
  });
  afterAll(() => e.close());

  it('prices the 144 blocks before the tip, compares with mempool and saves one row', async () => {
    const { code, doc } = await e.run({ mode: 'recent' });
    expect(code).toBe(0);
    for (const k of ROW_KEYS) expect(doc).toHaveProperty(k);
    const tip = e.chain.tip.height;
    expect(doc.first_height).toBe(tip - 144);
    expect(doc.last_height).toBe(tip - 1); // the tip itself is left out
    expect(doc.tip_hash).toBe(e.chain.tip.hash);
    expect(doc.mempool_price).toBe(105_500);
    expect(doc.diff_amount).toBe(105_500 - doc.utxoracle_price);
    expect(doc.diff_percent).toBe((100 * doc.diff_amount) / doc.utxoracle_price);
    expect(doc.is_valid).toBe(true);
    expect(Math.abs(doc.utxoracle_price / 105_000 - 1)).toBeLessThan(0.01); // the chain's economy price
    expect(doc.blocks_from_node).toBe(144);
    const rows = await withDatabase(path.join(e.dataDir, 'utxoracle_cache.db'), (c) =>
      queryRows(c, 'SELECT * FROM prices'),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.utxoracle_price).toBe(doc.utxoracle_price);
    expect(rows[0]!.is_valid).toBe(true);
  });

  it('--chart in recent mode draws the exchange price as a second line', async () => {
    const chart = path.join(e.dataDir, 'recent.svg');
    const { code, doc } = await e.run({ mode: 'recent', chart }, { dryRun: true });
    expect(code).toBe(0);
    expect(fs.existsSync(chart)).toBe(false); // a dry run writes nothing, the chart included
    const real = await e.run({ mode: 'recent', chart });
    expect(real.code).toBe(0);
    const svg = fs.readFileSync(chart, 'utf8');
    expect(svg).toContain('class="exchange"');
    expect(svg).toContain('exchange (mempool) $105,500'); // the fake mempool's price
    expect(svg).toContain(`UTXOracle ${'$' + Math.round(real.doc.utxoracle_price).toLocaleString('en-US')}`);
    expect(doc.utxoracle_price).toBe(real.doc.utxoracle_price);
  });

  it('a run after one new block fetches one block and reads the rest from the cache', async () => {
    e.chain.append(1);
    const { code, doc } = await e.run({ mode: 'recent' });
    expect(code).toBe(0);
    expect(doc.blocks_from_node).toBe(1);
    expect(doc.blocks_from_cache).toBe(143);
    expect(doc.last_height).toBe(e.chain.tip.height - 1);
  });

  it('a run on cached funding heights gives exactly what a run from nothing gives', async () => {
    e.chain.append(2);
    const warm = await e.run({ mode: 'recent' });
    expect(warm.doc.blocks_from_node).toBe(2);
    const empty = fs.mkdtempSync(path.join(path.dirname(e.dataDir), 'analyze-cold-'));
    const cold = await e.run({ mode: 'recent' }, { dryRun: true, env: { UTXORACLE_DATA_DIR: empty } });
    expect(cold.doc.blocks_from_node).toBe(144);
    for (const k of [
      'utxoracle_price',
      'rough_price',
      'tx_count',
      'output_count',
      'point_count',
      'first_height',
      'last_height',
    ]) {
      expect(warm.doc[k], k).toBe(cold.doc[k]);
    }
    // The day, whose window starts before what the recent runs resolved, agrees with a fresh run as well.
    const day = await e.run({ mode: 'date', date: '2025-06-01' }, { dryRun: true });
    const dayCold = await e.run(
      { mode: 'date', date: '2025-06-01' },
      { dryRun: true, env: { UTXORACLE_DATA_DIR: empty } },
    );
    expect(day.doc.blocks_from_cache).toBeGreaterThan(0);
    for (const k of ['utxoracle_price', 'rough_price', 'tx_count', 'output_count', 'point_count'])
      expect(day.doc[k], k).toBe(dayCold.doc[k]);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('a cache entry damaged on disk is never used: fetched again, or the run stops and the next one fetches it', async () => {
    const cacheDir = path.join(e.dataDir, 'block-cache');
    const entryOf = (h: number) => path.join(cacheDir, `${h}-${e.chain.byHeight(h)!.hash}.uxs`);
    const flip = (file: string, at: number) => {
      const b = fs.readFileSync(file);
      b[at]! ^= 0x10;
      fs.writeFileSync(file, b);
    };
    const tip = e.chain.tip.height;
    flip(entryOf(tip - 100), 80 + 3); // an amount
    const first = await e.run({ mode: 'recent' });
    expect(first.code).toBe(0);
    expect(first.doc.blocks_from_node).toBe(1);
    // A key is read only when a new block's funding is worked out: that run stops, the next recovers.
    const keysAt = (file: string) => {
      const b = fs.readFileSync(file);
      return 80 + 12 * b.readUInt32LE(52);
    };
    flip(entryOf(tip - 50), keysAt(entryOf(tip - 50)) + 1);
    e.chain.append(1);
    const stopped = await e.run({ mode: 'recent' });
    expect(stopped.code).toBe(1);
    expect(stopped.doc.error).toMatch(/keys fails its checksum.*removed, the next run fetches the block again/);
    expect(fs.existsSync(entryOf(tip - 50))).toBe(false);
    const again = await e.run({ mode: 'recent' });
    expect(again.code).toBe(0);
    expect(again.doc.blocks_from_node).toBeGreaterThanOrEqual(1);
    const empty = fs.mkdtempSync(path.join(path.dirname(e.dataDir), 'analyze-cold-'));
    const cold = await e.run({ mode: 'recent' }, { dryRun: true, env: { UTXORACLE_DATA_DIR: empty } });
    for (const k of ['utxoracle_price', 'tx_count', 'output_count', 'point_count', 'first_height'])
      expect(again.doc[k], k).toBe(cold.doc[k]);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('after a reorg only the replaced blocks are fetched again', async () => {
    e.chain.reorg(3);
    const { code, doc } = await e.run({ mode: 'recent' });
    expect(code).toBe(0);
    expect(doc.tip_hash).toBe(e.chain.tip.hash);
    // tip-2 and tip-1 are in the window and changed; the tip itself is not in the window.
    expect(doc.blocks_from_node).toBe(2);
    const cacheFiles = fs.readdirSync(path.join(e.dataDir, 'block-cache'));
    const h = e.chain.tip.height - 1;
    expect(cacheFiles.filter((f) => f.startsWith(`${h}-`))).toEqual([`${h}-${e.chain.byHeight(h)!.hash}.uxs`]);
  });

  it('fills the newest finished day; a day the node cannot give blocks for is reported, not fatal', async () => {
    const { code, doc } = await e.run({ mode: 'recent' }, { env: { ANALYZE_BACKFILL_DAYS: '1' } });
    expect(code).toBe(0);
    // 2025-06-01 was filled by an earlier run; 2025-05-31 lies before the simulated chain's start.
    expect(doc.daily).toHaveLength(1);
    expect(doc.daily[0]).toMatchObject({ date: '2025-05-31', newest: false });
    expect(doc.daily[0].error).toMatch(/out of range|2025-05-31/);
    const days = await withDatabase(path.join(e.dataDir, 'utxoracle_cache.db'), (c) =>
      queryRows(c, "SELECT strftime(date, '%Y-%m-%d') AS d FROM daily_prices"),
    );
    expect(days).toEqual([{ d: '2025-06-01' }]);
  });

  it('--dry-run prints the row and writes nothing, not even the cache', async () => {
    const fresh = await startAnalyzeEnv({ seed: 12 });
    try {
      const { code, lines, doc } = await fresh.run({ mode: 'recent' }, { dryRun: true });
      expect(code).toBe(0);
      expect(doc.dry_run).toBe(true);
      expect(doc.saved_to).toBeNull();
      expect(lines).toHaveLength(1); // --json: one document only
      expect(fs.existsSync(path.join(fresh.dataDir, 'utxoracle_cache.db'))).toBe(false);
      expect(fs.existsSync(path.join(fresh.dataDir, 'block-cache'))).toBe(false);
      const human = await fresh.run({ mode: 'recent' }, { dryRun: true });
      expect(human.code).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('mempool down: the row is saved with mempool_price NULL and is_valid false, an alert is sent, exit 3', async () => {
    await e.mempool.setDown('refuse');
    try {
      const before = e.webhook.received.length;
      const { code, doc } = await e.run({ mode: 'recent' });
      expect(code).toBe(3);
      expect(doc.mempool_price).toBeNull();
      expect(doc.diff_amount).toBeNull();
      expect(doc.is_valid).toBe(false);
      const alerts = e.webhook.received.slice(before);
      expect(alerts.map((a) => a.json.event_type)).toEqual(['mempool_unreachable']);
      expect(alerts[0]!.signatureValid).toBe(true);
      const rows = await withDatabase(path.join(e.dataDir, 'utxoracle_cache.db'), (c) =>
        queryRows(c, 'SELECT mempool_price, is_valid FROM prices WHERE run_id = $1', [doc.run_id]),
      );
      expect(rows).toEqual([{ mempool_price: null, is_valid: false }]);
      const events = await withDatabase(path.join(e.dataDir, 'utxoracle_cache.db'), (c) =>
        queryRows(c, "SELECT delivered FROM alert_events WHERE event_type = 'mempool_unreachable'"),
      );
      expect(events).toEqual([{ delivered: true }]);
      // The next run with mempool back says so once: the same key, resolved.
      await e.mempool.setDown(false);
      const again = e.webhook.received.length;
      expect((await e.run({ mode: 'recent' })).code).toBe(0);
      const ended = e.webhook.received.slice(again).map((a) => a.json);
      expect(ended).toMatchObject([
        { event_type: 'mempool_unreachable', key: alerts[0]!.json.key, status: 'resolved' },
      ]);
      expect(ended[0]!.summary).toMatch(/^RECOVERED: /);
    } finally {
      await e.mempool.setDown(false);
    }
  });

  it('a price outside MIN..MAX is saved as invalid with a warning alert, exit 3', async () => {
    const before = e.webhook.received.length;
    const { code, doc } = await e.run({ mode: 'recent' }, { env: { MIN_PRICE_USD: '10000', MAX_PRICE_USD: '50000' } });
    expect(code).toBe(3);
    expect(doc.is_valid).toBe(false);
    expect(doc.problems.join(' ')).toMatch(/outside MIN_PRICE_USD..MAX_PRICE_USD/);
    expect(e.webhook.received.slice(before).map((a) => a.json.event_type)).toEqual(['price_invalid']);
  });

  it('low confidence is saved as invalid', async () => {
    const { code, doc } = await e.run({ mode: 'recent' }, { env: { UTXORACLE_CONFIDENCE_THRESHOLD: '0.99' } });
    expect(code).toBe(3);
    expect(doc.is_valid).toBe(false);
    expect(doc.confidence).toBeLessThan(0.99);
  });

  it('primary unwritable: the row goes to the fallback (exit 3), and the next good run moves it in without duplicates', async () => {
    const primary = path.join(e.dataDir, 'utxoracle_cache.db');
    const blocked = path.join(e.dataDir, 'blocked-primary');
    fs.mkdirSync(blocked, { recursive: true }); // a directory cannot be opened as a database
    const before = e.webhook.received.length;
    const fb = await e.run({ mode: 'recent' }, { env: { DUCKDB_PATH: blocked } });
    expect(fb.code).toBe(3);
    expect(fb.doc.saved_to).toBe(path.join(e.dataDir, 'fallback', 'utxoracle_fallback.db'));
    expect(e.webhook.received.slice(before).map((a) => a.json.event_type)).toContain('primary_db_write_failed');
    const count = async () =>
      (await withDatabase(primary, (c) => queryRows(c, 'SELECT run_id FROM prices'))).map((r) => r.run_id);
    const beforeMerge = await count();
    expect(beforeMerge).not.toContain(fb.doc.run_id);
    const ok = await e.run({ mode: 'recent' });
    expect(ok.code).toBe(0);
    const after = await count();
    expect(after).toContain(fb.doc.run_id);
    expect(after).toHaveLength(beforeMerge.length + 2);
    expect(new Set(after).size).toBe(after.length);
    const left = await withDatabase(path.join(e.dataDir, 'fallback', 'utxoracle_fallback.db'), (c) =>
      queryRows(c, 'SELECT count(*) AS n FROM prices'),
    );
    expect(left).toEqual([{ n: 0n }]);
  });

  it('both databases unwritable: FATAL and exit 1', async () => {
    const a = path.join(e.dataDir, 'blocked-a');
    const b = path.join(e.dataDir, 'blocked-b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    const { code, doc } = await e.run({ mode: 'recent' }, { env: { DUCKDB_PATH: a, DUCKDB_BACKUP_PATH: b } });
    expect(code).toBe(1);
    expect(doc.error).toMatch(/Both primary and backup DB writes failed/);
  });
});

describe('analyze --date and --from/--to', () => {
  let e: AnalyzeEnv;
  beforeAll(async () => {
    e = await startAnalyzeEnv({ seed: 21, date: '2025-03-10', price: 82_000 });
  });
  afterAll(() => e.close());

  it('--date saves one daily_prices row and can draw the chart', async () => {
    const chart = path.join(e.dataDir, 'chart.svg');
    const { code, doc } = await e.run({ mode: 'date', date: '2025-03-10', chart });
    expect(code).toBe(0);
    expect(doc.date).toBe('2025-03-10');
    expect(Math.abs(doc.utxoracle_price / 82_000 - 1)).toBeLessThan(0.01);
    const first = e.chain.blocks.find((b) => b.time >= e.chain.dayStart)!;
    expect(doc.first_height).toBeGreaterThanOrEqual(first.height - 2);
    const svg = fs.readFileSync(chart, 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg.match(/<circle /g)!.length).toBeGreaterThan(100);
    expect(svg).toContain('UTC');
    const rows = await withDatabase(path.join(e.dataDir, 'utxoracle_cache.db'), (c) =>
      queryRows(c, 'SELECT price, first_height, last_height FROM daily_prices'),
    );
    expect(rows).toEqual([
      { price: doc.utxoracle_price, first_height: doc.first_height, last_height: doc.last_height },
    ]);
  });

  it('a range skips done days unless --force, and reports days it cannot price', async () => {
    const r = await e.run({ mode: 'range', from: '2025-03-09', to: '2025-03-10' });
    // 03-09 is before the simulated chain's start: an error for that day, not a crash.
    expect(r.doc.skipped).toBe(1);
    expect(r.doc.failed).toBe(1);
    expect(r.code).toBe(1);
    const forced = await e.run({ mode: 'range', from: '2025-03-10', to: '2025-03-10', force: true });
    expect(forced.code).toBe(0);
    expect(forced.doc.priced).toBe(1);
  });

  it("--chart with a range draws the daily prices, and the exchange as the mean of that day's saved rows", async () => {
    // Two prices rows written on 2025-03-10 (as cron would have, every 10 minutes), exchange 81,000 and 83,000.
    await withDatabase(path.join(e.dataDir, 'utxoracle_cache.db'), async (c) => {
      for (const [at, usd] of [
        ['2025-03-10T08:00:00', 81_000],
        ['2025-03-10T20:00:00', 83_000],
      ] as const)
        await c.run(
          `INSERT INTO prices (run_id, timestamp, utxoracle_price, mempool_price, confidence, tx_count, diff_amount,
             diff_percent, is_valid, first_height, last_height, tip_hash, output_count, point_count, rough_price)
           VALUES (gen_random_uuid()::VARCHAR, $1::TIMESTAMP, 82000, $2, 0.9, 1, NULL, NULL, true, 1, 144, 'h', 1, 1, 82000)`,
          [at, usd],
        );
    });
    const chart = path.join(e.dataDir, 'range.html');
    const r = await e.run({ mode: 'range', from: '2025-03-08', to: '2025-03-10', chart });
    // 03-10 is done (skipped, yet on the chart); 03-08 and 03-09 are before the chain.
    expect(r.doc.skipped).toBe(1);
    expect(r.doc.chart).toBe(chart);
    const html = fs.readFileSync(chart, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<circle class="day"/g)).toHaveLength(1);
    expect(html).toContain('data-date="2025-03-10"');
    expect(html).toContain('1 of 3 days priced');
    expect(html).toContain('exchange: 1 days (daily mean of saved mempool prices)');
    expect(html.match(/data-exchange-date="([^"]+)"/g)).toEqual(['data-exchange-date="2025-03-10"']);
  });

  it('a date the chain has not finished is a clear error', async () => {
    const { code, doc } = await e.run({ mode: 'date', date: '2025-03-11' });
    expect(code).toBe(1);
    expect(doc.error).toMatch(/2025-03-11/);
  });
});
