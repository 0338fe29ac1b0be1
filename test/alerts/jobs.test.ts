import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { makeTx, runScenario } from '../fakes/mempool/index.js';
import { startFakeWebhook, type FakeWebhook, type ReceivedAlert } from '../fakes/webhook/server.js';
import { startAnalyzeEnv, WEBHOOK_SECRET, type AnalyzeEnv } from '../helpers/analyzeEnv.js';
import { runBin } from '../helpers/bins.js';
import { ADDR, BTC } from '../whale/helpers.js';
import { readTable, startHook, startRun } from '../whale/jobHarness.js';
import { closeWorlds, world } from '../whale/scenarioKit.js';

// The alerts the jobs raise, received by a webhook over a real socket: the exact events (type, key,
// status), their signatures and their counts, for each condition the suite alerts on, its end, the
// whale route, the test command and the maintenance silence.

const summary = (a: ReceivedAlert) => `${a.json.key} ${a.json.status}`;

describe('analyze', () => {
  let e: AnalyzeEnv;
  beforeAll(async () => {
    e = await startAnalyzeEnv({ seed: 5, date: '2025-06-01' });
  });
  afterAll(() => e.close());

  it('12 runs with mempool answering without a price: one alert; the price back: one resolved', async () => {
    const before = e.webhook.received.length;
    // mempool's answer while it has no exchange rate (prices-updater: -1 per currency).
    e.mempool.setPrice(-1);
    for (let i = 0; i < 12; i++) expect((await e.run({ mode: 'recent' })).code).toBe(3);
    const during = e.webhook.received.slice(before);
    expect(during.map(summary)).toEqual(['mempool_no_price:mempool firing']);
    expect(during[0]!.signatureValid).toBe(true);
    expect(during[0]!.json).toMatchObject({ event_type: 'mempool_no_price', severity: 'warning' });
    expect(during[0]!.json.summary).toMatch(/^FIRING: mempool answers but has no exchange price/);

    e.mempool.setPrice(105_500, Math.floor(Date.now() / 1000));
    expect((await e.run({ mode: 'recent' })).code).toBe(0);
    expect((await e.run({ mode: 'recent' })).code).toBe(0);
    const after = e.webhook.received.slice(before + 1);
    expect(after.map(summary)).toEqual(['mempool_no_price:mempool resolved']);
    expect(after[0]!.signatureValid).toBe(true);
    expect(after[0]!.json.summary).toBe('RECOVERED: mempool has an exchange price again');

    // The store keeps both deliveries, by key and status.
    const rows = await withDatabase(path.join(e.dataDir, 'utxoracle_cache.db'), (c) =>
      queryRows(
        c,
        `SELECT alert_key, status, delivered FROM alert_events WHERE event_type = 'mempool_no_price' ORDER BY created_at`,
      ),
    );
    expect(rows).toEqual([
      { alert_key: 'mempool_no_price:mempool', status: 'firing', delivered: true },
      { alert_key: 'mempool_no_price:mempool', status: 'resolved', delivered: true },
    ]);
  });

  it('MEMPOOL_API_URL=none: no exchange alert at all, and an open one is closed', async () => {
    const before = e.webhook.received.length;
    await e.mempool.setDown('refuse');
    try {
      expect((await e.run({ mode: 'recent' })).code).toBe(3);
      expect(e.webhook.received.slice(before).map(summary)).toEqual(['mempool_unreachable:mempool firing']);
      const r = await e.run({ mode: 'recent' }, { env: { MEMPOOL_API_URL: 'none' } });
      // No exchange price by choice: the row is valid on the oracle's own confidence and range.
      expect(r.code).toBe(0);
      expect(r.doc).toMatchObject({ mempool_price: null, diff_percent: null, is_valid: true });
      expect(e.webhook.received.slice(before + 1).map(summary)).toEqual(['mempool_unreachable:mempool resolved']);
    } finally {
      await e.mempool.setDown(false);
    }
  });

  it('both databases unwritable: a FATAL alert, and its end once a database takes the rows', async () => {
    const before = e.webhook.received.length;
    const a = path.join(e.dataDir, 'blocked-a');
    const b = path.join(e.dataDir, 'blocked-b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    const fatal = await e.run({ mode: 'recent' }, { env: { DUCKDB_PATH: a, DUCKDB_BACKUP_PATH: b } });
    expect(fatal.code).toBe(1);
    const got = e.webhook.received.slice(before);
    expect(got.map(summary)).toEqual(['database_write_fatal:price_db firing']);
    expect(got[0]!.json).toMatchObject({
      severity: 'critical',
      summary: 'FIRING: FATAL: Both primary and backup DB writes failed',
    });
    expect(got[0]!.signatureValid).toBe(true);
    expect((await e.run({ mode: 'recent' })).code).toBe(0);
    expect(e.webhook.received.slice(before + 1).map(summary)).toEqual(['database_write_fatal:price_db resolved']);
  });
});

describe('backup and archive', () => {
  let hook: FakeWebhook;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    hook = await startFakeWebhook(WEBHOOK_SECRET);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-jobs-'));
    env = {
      UTXORACLE_DATA_DIR: dir,
      ALERT_WEBHOOK_URL: hook.url,
      ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      LOG_LEVEL: 'error',
      UTXORACLE_ENV_FILE: '',
    };
    expect((await runBin('init-db', ['--json'], env)).exitCode).toBe(0);
  });
  afterAll(async () => {
    await hook.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['backup', 'archive'])('a failed %s alerts (exit 1); the next good run sends its recovery', async (job) => {
    const before = hook.received.length;
    const priceDb = path.join(dir, 'utxoracle_cache.db');
    const good = fs.readFileSync(priceDb);
    // A database file that is not one: the job cannot read it.
    fs.writeFileSync(priceDb, Buffer.alloc(good.length, 0x5a));
    try {
      const bad = await runBin(job, ['--json'], env);
      expect(bad.exitCode, bad.stderr).toBe(1);
    } finally {
      fs.writeFileSync(priceDb, good);
    }
    const got = hook.received.slice(before);
    expect(got.map(summary)).toEqual([`${job}_failed:${job} firing`]);
    expect(got[0]!.json.severity).toBe('critical');
    expect(got[0]!.json.summary).toMatch(new RegExp(`^FIRING: ${job === 'backup' ? 'Backup' : 'Archive'} failed: `));
    expect(got[0]!.signatureValid).toBe(true);

    const ok = await runBin(job, ['--json'], env);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(hook.received.slice(before + 1).map(summary)).toEqual([`${job}_failed:${job} resolved`]);
    // Another good run: nothing more.
    expect((await runBin(job, ['--json'], env)).exitCode).toBe(0);
    expect(hook.received).toHaveLength(before + 2);
  });

  it('a BACKUP_DIR that is a file is a setting to fix: exit 2 naming it, no alert', async () => {
    const before = hook.received.length;
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, '');
    const r = await runBin('backup', ['--json'], { ...env, BACKUP_DIR: file });
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error).toBe(
      `BACKUP_DIR ${JSON.stringify(file)} cannot be created or written: ${file} is not a directory`,
    );
    expect(hook.received).toHaveLength(before);
  });
});

describe('health-check --test-alert', () => {
  const hooks: FakeWebhook[] = [];
  afterEach(async () => {
    for (const h of hooks.splice(0)) await h.close();
  });
  const start = async (secret: string) => {
    const h = await startFakeWebhook(secret);
    hooks.push(h);
    return h;
  };
  const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'test-alert-'));

  it('sends one signed test event through each webhook, runs no checks, exits 0', async () => {
    const ops = await start('ops-secret');
    const whale = await start('whale-secret');
    const r = await runBin('health-check', ['--test-alert'], {
      UTXORACLE_DATA_DIR: dataDir(),
      ALERT_WEBHOOK_URL: ops.url,
      ALERT_WEBHOOK_SECRET: 'ops-secret',
      WHALE_WEBHOOK_URL: whale.url,
      WHALE_WEBHOOK_SECRET: 'whale-secret',
      // No node, no mempool: a check would fail; --test-alert runs none.
      BITCOIN_RPC_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'error',
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'Test alert delivered through ALERT_WEBHOOK_URL (1 attempt)',
      'Test alert delivered through WHALE_WEBHOOK_URL (1 attempt)',
    ]);
    for (const [h, sink] of [
      [ops, 'ALERT_WEBHOOK_URL'],
      [whale, 'WHALE_WEBHOOK_URL'],
    ] as const) {
      expect(h.received).toHaveLength(1);
      expect(h.received[0]!.signatureValid).toBe(true);
      expect(h.received[0]!.json).toMatchObject({
        event_type: 'test',
        key: `test:${sink}`,
        status: 'test',
        severity: 'info',
        payload: { sink, host: os.hostname() },
      });
    }
  });

  it('WHALE_WEBHOOK_SECRET unset: the whale webhook is signed with ALERT_WEBHOOK_SECRET', async () => {
    const ops = await start('shared');
    const whale = await start('shared');
    const r = await runBin('health-check', ['--test-alert', '--json'], {
      UTXORACLE_DATA_DIR: dataDir(),
      ALERT_WEBHOOK_URL: ops.url,
      ALERT_WEBHOOK_SECRET: 'shared',
      WHALE_WEBHOOK_URL: whale.url,
      LOG_LEVEL: 'error',
    });
    expect(r.exitCode).toBe(0);
    expect(whale.received[0]!.signatureValid).toBe(true);
    const doc = JSON.parse(r.stdout) as { test_alert: { sink: string; delivered: boolean }[]; checks?: unknown };
    expect(doc.test_alert.map((t) => [t.sink, t.delivered])).toEqual([
      ['ALERT_WEBHOOK_URL', true],
      ['WHALE_WEBHOOK_URL', true],
    ]);
    expect(doc.checks).toBeUndefined();
  });

  it('exits 1 with one line per webhook that refused, naming its setting and not its token', async () => {
    const ops = await start('s');
    const whale = await start('s');
    whale.failNext(10, 500);
    const r = await runBin('health-check', ['--test-alert'], {
      UTXORACLE_DATA_DIR: dataDir(),
      ALERT_WEBHOOK_URL: ops.url,
      ALERT_WEBHOOK_SECRET: 's',
      WHALE_WEBHOOK_URL: whale.url.replace('/hook', '/T000/B000/sekrit'),
      LOG_LEVEL: 'error',
    });
    expect(r.exitCode).toBe(1);
    const origin = new URL(whale.url).origin;
    expect(r.stdout.trim().split('\n')).toEqual([
      'Test alert delivered through ALERT_WEBHOOK_URL (1 attempt)',
      `Test alert NOT delivered: WHALE_WEBHOOK_URL (${origin}/***) answered HTTP 500`,
    ]);
    expect(r.stdout + r.stderr).not.toContain('sekrit');
  });

  it('exits 2 when no webhook is set', async () => {
    const r = await runBin('health-check', ['--test-alert'], { UTXORACLE_DATA_DIR: dataDir(), LOG_LEVEL: 'error' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no alert webhook to test: set ALERT_WEBHOOK_URL/);
  });
});

describe('the maintenance silence', () => {
  let e: AnalyzeEnv;
  beforeAll(async () => {
    e = await startAnalyzeEnv({ seed: 6, date: '2025-06-01' });
  });
  afterAll(() => e.close());

  it('health-check --silence 2h holds alerts back and every run says so; --silence off ends it', async () => {
    const set = await runBin('health-check', ['--silence', '2h'], { ...e.env, LOG_LEVEL: 'error' });
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.stdout).toMatch(
      /^Alerts silenced until \d{4}-\d\d-\d\dT[\d:.]+Z \(health-check --silence off ends it\)$/,
    );
    const until = /until (\S+)/.exec(set.stdout)![1]!;
    expect(Date.parse(until) - Date.now()).toBeGreaterThan(7_190_000);
    expect(Date.parse(until) - Date.now()).toBeLessThanOrEqual(7_200_000);

    const before = e.webhook.received.length;
    await e.mempool.setDown('refuse');
    try {
      const r = await e.run({ mode: 'recent' });
      expect(r.code).toBe(3);
      expect(r.doc.alerts_silenced_until).toBe(until);
      expect(e.webhook.received).toHaveLength(before);
    } finally {
      await e.mempool.setDown(false);
    }
    // The text output says it too.
    const text = await runBin('health-check', [], { ...e.env, LOG_LEVEL: 'error' });
    expect(text.stdout).toContain(`Alerts are silenced until ${until} (health-check --silence off ends it)`);

    const off = await runBin('health-check', ['--silence', 'off'], { ...e.env, LOG_LEVEL: 'error' });
    expect(off.exitCode).toBe(0);
    expect(off.stdout).toBe('Alerts are no longer silenced');
    // The condition that started under the silence and lasted is announced now, once.
    await e.mempool.setDown('refuse');
    try {
      expect((await e.run({ mode: 'recent' })).code).toBe(3);
      expect((await e.run({ mode: 'recent' })).code).toBe(3);
    } finally {
      await e.mempool.setDown(false);
    }
    expect(e.webhook.received.slice(before).map(summary)).toEqual(['mempool_unreachable:mempool firing']);
  });

  it('--silence rejects what is not a duration (exit 2)', async () => {
    const r = await runBin('health-check', ['--silence', 'soon'], { ...e.env, LOG_LEVEL: 'error' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--silence/);
  });
});

describe('the whale route', () => {
  afterEach(closeWorlds);

  it('WHALE_WEBHOOK_URL takes every whale and the ops webhook none; WHALE_ALERT_MIN_BTC leaves smaller ones unsent', async () => {
    const whaleHook = await startHook();
    try {
      const w = await world({ WHALE_WEBHOOK_URL: whaleHook.url, WHALE_ALERT_MIN_BTC: '500' });
      const run = await startRun(w);
      const big = makeTx({ seed: 'route-big', outputs: [{ address: ADDR.user1, value: 750 * BTC }], feeRate: 25 });
      const mid = makeTx({ seed: 'route-mid', outputs: [{ address: ADDR.user2, value: 150 * BTC }], feeRate: 25 });
      await runScenario(w.fake, [{ do: 'add', txs: [big, mid] }]);
      await run.drained();
      const { code } = await run.stop();
      expect(code).toBe(0);
      // Both are whales (saved); only the one at or above 500 BTC is sent, and only to the whale route.
      expect(whaleHook.posts.map((p) => [p.body.event_type, (p.body.payload as { txid: string }).txid])).toEqual([
        ['whale_transaction', big.txid],
      ]);
      // WHALE_WEBHOOK_SECRET unset: signed with ALERT_WEBHOOK_SECRET, the secret both hooks check.
      expect(whaleHook.posts[0]!.signatureOk).toBe(true);
      expect(w.hook.posts.filter((p) => String(p.body.event_type).startsWith('whale'))).toEqual([]);
      expect(await readTable(w, 'SELECT txid FROM mempool_predictions ORDER BY total_sats DESC')).toEqual([
        { txid: big.txid },
        { txid: mid.txid },
      ]);
    } finally {
      await whaleHook.close();
    }
  });
});
