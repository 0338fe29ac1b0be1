// The built executable: SIGTERM flushes pending rows and exits 0; --report prints figures computed by
// hand from seeded rows (--json too).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSettings } from '../../src/config/settings.js';
import { checkWhaleWatch } from '../../src/health/checks/whale.js';
import { readWhaleDb } from '../../src/health/snapshot.js';
import { withWhaleDb } from '../../src/store/databases.js';
import { insertPredictions, upsertOutcomes } from '../../src/whale/sql.js';
import type { OutcomeRow, PredictionRow } from '../../src/whale/rows.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { makeTx } from '../fakes/mempool/index.js';
import { ADDR, BTC } from '../whale/helpers.js';
import { readTable, startWorld, until, type World } from '../whale/jobHarness.js';
import { startProxy, TEST_CA, type FakeProxy } from '../fakes/proxy/server.js';
import { runBin } from '../helpers/bins.js';

const BIN = path.join(REPO_ROOT, 'bin', 'whale-watch.js');
const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

function spawnBin(w: World, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...w.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exit, out: () => stdout, err: () => stderr };
}

describe('whale-watch executable', () => {
  it('SIGTERM flushes the pending rows and exits 0', async () => {
    // A flush interval far beyond the test: only the shutdown flush can write the row.
    const w = await startWorld({ WHALE_FLUSH_INTERVAL_MS: '600000', WHALE_HEARTBEAT_SEC: '600' });
    worlds.push(w);
    const p = spawnBin(w, ['--json']);
    await w.fake.waitFor(
      () => w.fake.received.some((r) => (r.message as Record<string, unknown>)['track-mempool'] === true),
      15_000,
      'subscription',
    );
    const whale = makeTx({ seed: 'sigterm', outputs: [{ address: ADDR.binanceCold, value: 250 * BTC }] });
    w.fake.addTxs([whale]);
    await until(() => p.err().includes('Whale detected'), 'detection', 15_000);
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    expect(JSON.parse(p.out().trim().split('\n').pop()!)).toMatchObject({ exit_code: 0, whales: 1 });
    expect(await readTable(w, 'SELECT txid, flow, alerted FROM mempool_predictions')).toEqual([
      { txid: whale.txid, flow: 'inflow', alerted: true },
    ]);
    expect(w.hook.posts).toHaveLength(1);
  });

  it('runs until signalled: catches up after each reconnect, says once that flows cannot be labelled, health shows it', async () => {
    const w = await startWorld({ WHALE_HEARTBEAT_SEC: '1' });
    worlds.push(w);
    delete (w.env as Record<string, string | undefined>).EXCHANGE_ADDRESSES_FILE;
    const p = spawnBin(w, ['--json']);
    const count = (s: string) => p.err().split(s).length - 1;
    await until(() => count('Caught up with the mempool') === 1, 'the catch-up at start', 15_000);
    for (const n of [2, 3]) {
      w.fake.cutConnections('terminate');
      await until(() => count('Caught up with the mempool') === n, `catch-up ${n}`, 15_000);
    }
    p.child.kill('SIGINT');
    expect(await p.exit).toBe(0);
    expect(count('EXCHANGE_ADDRESSES_FILE is not set')).toBe(1);
    expect(JSON.parse(p.out().trim().split('\n').pop()!)).toMatchObject({
      exit_code: 0,
      reconnects: 2,
      flows_labelled: false,
      catch_up: { passes: 3, complete: 3 },
    });
    const snap = await readWhaleDb(path.join(w.dir, 'mempool_predictions.db'));
    expect(snap).toMatchObject({ ok: true, value: { flowsLabelled: false, connected: false } });
    const check = checkWhaleWatch(
      snap,
      null,
      {
        whaleHeartbeatWarnSec: 180,
        whaleHeartbeatCritSec: 900,
        whaleDisconnectedWarnSec: 300,
        whaleDisconnectedCritSec: 1800,
        whaleSilentWarnSec: 900,
      },
      { warnMb: 400, maxMb: 500 },
      Date.now() / 1000,
    );
    expect(check.state).toBe('OK');
    expect(check.message).toMatch(/flows not labelled \(no EXCHANGE_ADDRESSES_FILE\)$/);
    expect(check.details).toMatchObject({ flows_labelled: false });
  });

  it('runs as cron runs it: the executable itself, with the V8 flags of its shebang', () => {
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fs.readFileSync(BIN, 'utf8').split('\n')[0]).toBe(
      '#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size',
    );
  });

  it('--report prints accuracy, counts, false positives and median time from the stored rows', async () => {
    const w = await startWorld();
    worlds.push(w);
    const now = Date.now();
    const pred = (txid: string, minAgo: number, predicted: number | null, root = txid): PredictionRow => ({
      txid,
      detectedAt: new Date(now - minAgo * 60_000),
      totalSats: 150n * 100_000_000n,
      totalBtc: 150,
      feeSats: 1000,
      vsize: 100,
      feeRate: 10,
      rbf: true,
      flow: 'unknown',
      exchanges: [],
      prevoutsKnown: true,
      urgency: 0.5,
      tipHeight: 99,
      predictedHeight: predicted,
      predictedWindow: predicted === null ? null : 2,
      replacesTxid: root === txid ? null : root,
      rootTxid: root,
      alerted: true,
    });
    const out = (
      txid: string,
      outcome: OutcomeRow['outcome'],
      height: number | null,
      minutes: number | null,
    ): OutcomeRow => ({
      txid,
      outcome,
      resolvedAt: new Date(now),
      confirmedHeight: height,
      confirmedTxid: height === null ? null : txid,
      minutesToConfirm: minutes,
      blocksVsPredicted: null,
      withinWindow: null,
      replacedBy: null,
      source: 'stream',
    });
    const id = (c: string) => c.repeat(64);
    await withWhaleDb(buildSettings(w.env), async (conn) => {
      await insertPredictions(conn, [
        pred(id('a'), 30, 100),
        pred(id('b'), 50, 100),
        pred(id('c'), 120, 100),
        pred(id('d'), 200, 100),
        pred(id('e'), 150, 103, id('d')),
        pred(id('f'), 300, 100),
        pred(id('9'), 3 * 1440, 100),
      ]);
      await upsertOutcomes(conn, [
        out(id('a'), 'confirmed', 101, 12),
        out(id('b'), 'confirmed', 104, 40),
        out(id('c'), 'dropped', null, null),
        out(id('d'), 'replaced', null, 30),
        out(id('e'), 'confirmed', 102, 5),
        out(id('9'), 'expired', null, null),
      ]);
    });
    const json = spawnBin(w, ['--report', '--json']);
    expect(await json.exit).toBe(0);
    const doc = JSON.parse(json.out().trim()) as { periods: Record<string, unknown>[]; level_7d: string };
    // By hand (as test/whale/predict.test.ts): 1h a,b -> 1/2; 24h a..f -> 3/5, FP 1/4, median(12,40,30)=30; 7d + expired -> 3/6, FP 2/5.
    expect(
      doc.periods.map((p) => [p.period, p.scored, p.right, p.accuracy, p.falsePositiveRate, p.medianMinutesToConfirm]),
    ).toEqual([
      ['1h', 2, 1, 0.5, 0, 26],
      ['24h', 5, 3, 0.6, 0.25, 30],
      ['7d', 6, 3, 0.5, 0.4, 30],
    ]);
    expect(doc.periods[1]!.counts).toEqual({ confirmed: 3, replaced: 1, dropped: 1, expired: 0, pending: 1 });
    expect(doc.level_7d).toBe('insufficient');
    const text = spawnBin(w, ['--report']);
    expect(await text.exit).toBe(0);
    const lines = text.out().trim().split('\n');
    expect(lines[1]).toMatch(/^Period\s+Predictions\s+Whales\s+Scored\s+Right\s+Accuracy/);
    expect(lines[3]!.split(/\s+/)).toEqual([
      '24h',
      '6',
      '5',
      '5',
      '3',
      '60.0%',
      '3',
      '1',
      '1',
      '0',
      '1',
      '25.0%',
      '30.0',
    ]);
    expect(lines[5]).toMatch(/not judged \(fewer than 10 scored predictions\)/);
  });
});

describe('whale-watch on the URLs and versions operators have', () => {
  const proxies: FakeProxy[] = [];
  afterEach(async () => {
    for (const p of proxies.splice(0)) await p.close();
  });

  it('mempool REST and WebSocket behind a path prefix over TLS (wss://, NODE_EXTRA_CA_CERTS)', async () => {
    const w = await startWorld({ WHALE_HEARTBEAT_SEC: '1' });
    worlds.push(w);
    const p = await startProxy({ target: w.fake.url, prefix: '/mempool', tls: 'ca' });
    proxies.push(p);
    w.env.MEMPOOL_API_URL = `${p.url}`;
    w.env.MEMPOOL_WS_URL = `${p.url.replace(/^https:/, 'wss:')}/api/v1/ws`;
    w.env.NODE_EXTRA_CA_CERTS = TEST_CA;
    const run = spawnBin(w, ['--json']);
    await w.fake.waitFor(
      () => w.fake.received.some((r) => (r.message as Record<string, unknown>)['track-mempool'] === true),
      15_000,
      'subscription through the proxy',
    );
    const whale = makeTx({ seed: 'wss', outputs: [{ address: ADDR.binanceCold, value: 180 * BTC }] });
    w.fake.addTxs([whale]);
    await until(() => run.err().includes('Whale detected'), 'detection', 15_000);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(p.requests).toContain('/mempool/api/v1/ws');
    expect(p.requests).toContain('/mempool/api/v1/backend-info');
    expect(p.requests.every((q) => q.startsWith('/mempool/'))).toBe(true);
    expect(await readTable(w, 'SELECT txid FROM mempool_predictions')).toEqual([{ txid: whale.txid }]);
  });

  it('a mempool older than v3.0: a clear warning at start, and health-check says it is silent and why', async () => {
    const w = await startWorld({ WHALE_HEARTBEAT_SEC: '1' }, 850_000, { version: '2.5.0' });
    worlds.push(w);
    const run = spawnBin(w, ['--json']);
    await until(() => run.err().includes('older than v3.0'), 'the warning', 15_000);
    const warn = run
      .err()
      .split('\n')
      .filter((l) => l.includes('older than v3.0'))
      .map((l) => JSON.parse(l) as { level: string; msg: string })[0]!;
    expect(warn.level).toBe('warn');
    expect(warn.msg).toMatch(/^mempool backend 2\.5\.0 is older than v3\.0: it ignores \{"track-mempool": true\}/);
    // The stream sends nothing that whale-watch could hear: silent past HEALTH_WHALE_SILENT_WARN_SEC.
    await new Promise((r) => setTimeout(r, 2_500));
    const h = await runBin('health-check', ['--json'], {
      ...w.env,
      HEALTH_WHALE_SILENT_WARN_SEC: '1',
      ELECTRS_API_URL: 'none',
      LOG_LEVEL: 'silent',
    });
    const c = (JSON.parse(h.stdout) as { checks: { check: string; state: string; message: string }[] }).checks.find(
      (x) => x.check === 'whale_heartbeat',
    )!;
    expect(c.state).toBe('WARN');
    expect(c.message).toMatch(
      /^connected, but no mempool-transactions delta since it connected for \d+ s \(mempool 2\.5\.0 is older than v3\.0 and sends none: upgrade it\)/,
    );
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });
});
