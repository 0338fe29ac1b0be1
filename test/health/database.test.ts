import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDbSize, checkPriceAge, checkPriceValidity } from '../../src/health/checks/database.js';
import { checkDisk } from '../../src/health/checks/disk.js';
import { analyzeRunsNeeded, checkAnalyzeRuns, checkBackupAge } from '../../src/health/checks/jobs.js';
import { readPriceDb, readWhaleDb, type PriceDbSnapshot, type Read } from '../../src/health/snapshot.js';
import type { CheckState } from '../../src/health/types.js';
import { holdDatabase } from '../helpers/holdDb.js';
import { addWhales, seedPriceDb, seedWhaleDb } from './seed.js';

const NOW_MS = Date.UTC(2024, 9, 27, 12, 0, 0);
const NOW = NOW_MS / 1000;
const H = {
  dbSizeWarnMb: 1024,
  dbSizeCritMb: 5120,
  priceAgeWarnMin: 20,
  priceAgeCritMin: 60,
  invalidShareWarnPct: 25,
  invalidShareCritPct: 75,
  analyzeRunsOk: 5,
  backupAgeWarnHours: 26,
  backupAgeCritHours: 50,
  whaleHeartbeatWarnSec: 180,
  whaleHeartbeatCritSec: 900,
  diskWarnPct: 80,
  diskCritPct: 95,
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'health-db-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const snap = (o: Partial<PriceDbSnapshot>): Read<PriceDbSnapshot> => ({
  ok: true,
  value: {
    newestPriceAt: NOW - 60,
    lastDayRows: 144,
    lastDayInvalid: 0,
    lastDayUnpriced: 0,
    recentAbsDiffPct: [],
    analyzeRunsLastHour: 6,
    analyzeFailuresLastHour: 0,
    lastAnalyzeFailure: null,
    firstAnalyzeRunAt: NOW - 30 * 86_400,
    newestVerifiedBackupAt: NOW - 3600,
    newestPrice: null,
    ...o,
  },
});
const busy: Read<never> = {
  ok: false,
  state: 'WARN',
  message: 'price database busy (another process holds it); not read',
};

describe('grading the price database figures', () => {
  it.each([
    ['10 min old', snap({ newestPriceAt: NOW - 600 }), 'OK', 600],
    ['exactly 20 min', snap({ newestPriceAt: NOW - 1200 }), 'OK', 1200],
    ['21 min', snap({ newestPriceAt: NOW - 1260 }), 'WARN', 1260],
    ['61 min', snap({ newestPriceAt: NOW - 3660 }), 'CRIT', 3660],
    ['no price ever', snap({ newestPriceAt: null }), 'CRIT', null],
    ['database busy', busy, 'WARN', null],
  ] as [string, Read<PriceDbSnapshot>, CheckState, number | null][])('price age: %s -> %s', (_n, s, state, figure) => {
    const o = checkPriceAge(s, H, NOW);
    expect(o.state).toBe(state);
    expect(o.figure).toBe(figure);
  });

  it.each([
    ['none invalid', 144, 0, 'OK'],
    ['25% exactly', 100, 25, 'OK'],
    ['26%', 100, 26, 'WARN'],
    ['76%', 100, 76, 'CRIT'],
    ['no rows (age check speaks)', 0, 0, 'OK'],
  ] as [string, number, number, CheckState][])('validity: %s -> %s', (_n, rows, invalid, state) => {
    const o = checkPriceValidity(snap({ lastDayRows: rows, lastDayInvalid: invalid }), H);
    expect(o.state).toBe(state);
    expect(o.figure).toBe(rows ? invalid / rows : null);
  });

  it.each([
    [6, 'OK'],
    [5, 'OK'],
    [4, 'WARN'],
    [1, 'WARN'],
    [0, 'CRIT'],
  ] as [number, CheckState][])('analyze runs: %d -> %s', (runs, state) => {
    expect(checkAnalyzeRuns(snap({ analyzeRunsLastHour: runs }), H, NOW, 10).state).toBe(state);
  });

  // A fresh install (or the demo) has had less than an hour of cron: what cron can have started
  // since the first run, with the steady state's one run of slack, is enough.
  it.each([
    ['no run yet', null, 5],
    ['first run 30 days ago', NOW - 30 * 86_400, 5],
    ['first run exactly 1 h ago', NOW - 3600, 5],
    ['first run just now', NOW, 1],
    ['first run 9 min ago', NOW - 540, 1],
    ['first run 10 min ago', NOW - 600, 1],
    ['first run 25 min ago', NOW - 1500, 2],
    ['first run 41 min ago', NOW - 2460, 4],
    ['first run 55 min ago', NOW - 3300, 5],
  ] as [string, number | null, number][])('runs needed: %s -> %d', (_n, first, needed) => {
    expect(analyzeRunsNeeded(first, 5, NOW, 10)).toBe(needed);
  });

  it.each([
    ['3 runs, first 2 min ago', 3, NOW - 120, 'OK', '3 in the last hour, first run 2 min ago'],
    ['1 run, first 5 s ago', 1, NOW - 5, 'OK', '1 in the last hour, first run 5 s ago'],
    ['1 run, first 25 min ago', 1, NOW - 1500, 'WARN', '1 in the last hour, first run 25 min ago'],
    ['0 runs, first 2 min ago (it failed)', 0, NOW - 120, 'CRIT', '0 in the last hour, first run 2 min ago'],
    ['4 runs, first 2 h ago', 4, NOW - 7200, 'WARN', '4 in the last hour'],
  ] as [string, number, number, CheckState, string][])(
    'analyze runs on a young install: %s -> %s',
    (_n, runs, first, state, message) => {
      const o = checkAnalyzeRuns(snap({ analyzeRunsLastHour: runs, firstAnalyzeRunAt: first }), H, NOW, 10);
      expect(o.state).toBe(state);
      expect(o.message).toBe(message);
      expect(o.details?.first_run).toBe(new Date(first * 1000).toISOString());
    },
  );

  it('names the last analyze failure and its message', () => {
    const o = checkAnalyzeRuns(
      snap({
        analyzeRunsLastHour: 4,
        analyzeFailuresLastHour: 2,
        lastAnalyzeFailure: { at: NOW - 1200, message: 'bitcoind: ECONNREFUSED' },
      }),
      H,
      NOW,
      10,
    );
    expect(o.message).toBe('4 in the last hour, 2 failed, last failure 20 min ago: bitcoind: ECONNREFUSED');
  });

  it.each([
    ['5 h', 5 * 3600, 'OK'],
    ['26 h exactly', 26 * 3600, 'OK'],
    ['27 h', 27 * 3600, 'WARN'],
    ['51 h', 51 * 3600, 'CRIT'],
    ['never', null, 'WARN'],
  ] as [string, number | null, CheckState][])('backup age: %s -> %s', (_n, age, state) => {
    const o = checkBackupAge(snap({ newestVerifiedBackupAt: age === null ? null : NOW - age }), H, NOW);
    expect(o.state).toBe(state);
    expect(o.figure).toBe(age);
  });

  it.each([
    ['half full', 0.5, 'OK'],
    ['80% exactly', 0.8, 'OK'],
    ['85%', 0.85, 'WARN'],
    ['96%', 0.96, 'CRIT'],
  ] as [string, number, CheckState][])('disk: %s -> %s', async (_n, ratio, state) => {
    const o = await checkDisk('/data', H, async () => ({
      usedBytes: ratio * 100,
      availBytes: (1 - ratio) * 100,
      ratio,
    }));
    expect(o.state).toBe(state);
    expect(o.figure).toBe(ratio);
  });

  it('reads the real filesystem of a directory', async () => {
    const o = await checkDisk(dir, H);
    expect(o.figure).toBeGreaterThan(0);
    expect(o.figure).toBeLessThan(1);
  });
});

describe('reading the databases read-only', () => {
  it('computes the figures from the tables', async () => {
    const db = path.join(dir, 'figures.db');
    await seedPriceDb(
      db,
      {
        priceAges: [300, 900, 4000, 90_000],
        invalid: 2, // the two oldest: one inside the last day, one outside
        runs: [
          { age: 100, status: 'ok' },
          { age: 700, status: 'degraded' },
          { age: 1300, status: 'failed', message: 'no blocks' },
          { age: 4000, status: 'ok' },
          { age: 200, status: 'ok', job: 'backup' },
          { age: 9000, status: 'failed', message: 'older failure' },
        ],
        backupAges: [30 * 3600, 3 * 86400],
        unverifiedBackupAges: [60],
      },
      NOW_MS,
    );
    const r = await readPriceDb(db, { nowMs: NOW_MS });
    expect(r).toEqual({
      ok: true,
      value: {
        newestPriceAt: NOW - 300,
        lastDayRows: 3,
        lastDayInvalid: 1,
        lastDayUnpriced: 0,
        // |diff_percent| of the rows with an exchange price, newest first: 100 / 67,000.
        recentAbsDiffPct: [100 / 670, 100 / 670, 100 / 670, 100 / 670],
        analyzeRunsLastHour: 2,
        analyzeFailuresLastHour: 1,
        lastAnalyzeFailure: { at: NOW - 1300, message: 'no blocks' },
        firstAnalyzeRunAt: NOW - 9000,
        newestVerifiedBackupAt: NOW - 30 * 3600,
        // seed.ts writes every row at 67000 with the exchange at 67100 (diff 100) at height 867123.
        newestPrice: {
          utxoraclePrice: 67_000,
          mempoolPrice: 67_100,
          diffAmount: 100,
          confidence: 0.8,
          isValid: true,
          lastHeight: 867_123,
        },
      },
    });
  });

  it('reports an empty database as empty, not as an error', async () => {
    const db = path.join(dir, 'empty.db');
    await seedPriceDb(db, {}, NOW_MS);
    const r = await readPriceDb(db, { nowMs: NOW_MS });
    expect(r).toMatchObject({
      ok: true,
      value: {
        newestPriceAt: null,
        lastDayRows: 0,
        analyzeRunsLastHour: 0,
        lastAnalyzeFailure: null,
        firstAnalyzeRunAt: null,
        newestVerifiedBackupAt: null,
      },
    });
  });

  it('is CRIT for a missing price database and never creates it', async () => {
    const db = path.join(dir, 'missing.db');
    expect(await readPriceDb(db)).toEqual({
      ok: false,
      state: 'CRIT',
      message: `price database ${db} does not exist (run init-db)`,
    });
    expect(fs.existsSync(db)).toBe(false);
    expect((await checkDbSize(db, H)).state).toBe('CRIT');
  });

  it('is CRIT for a file that is not a database', async () => {
    const db = path.join(dir, 'garbage.db');
    fs.writeFileSync(db, 'not a duckdb file at all, just text'.repeat(200));
    const r = await readPriceDb(db);
    expect(r).toMatchObject({ ok: false, state: 'CRIT' });
    expect((r as { message: string }).message).toMatch(/^price database unreadable: /);
  });

  it('reads the newest whale heartbeat, and a missing whale database means never run', async () => {
    const db = path.join(dir, 'whale.db');
    await seedWhaleDb(db, [45, 500], NOW_MS, { flowsLabelled: false });
    await addWhales(
      db,
      [
        { txid: 'a'.repeat(64), ageSec: 90_000, btc: 300 },
        { txid: 'b'.repeat(64), ageSec: 4000, btc: 120 },
        { txid: 'c'.repeat(64), root: 'b'.repeat(64), ageSec: 100, btc: 119.5 },
      ],
      NOW_MS,
    );
    expect(await readWhaleDb(db, { nowMs: NOW_MS })).toEqual({
      ok: true,
      value: {
        lastBeatAt: NOW - 45,
        connected: true,
        tracked: 17,
        // b's first sighting; c replaces b (same whale); a is older than a day.
        lastWhale: { at: NOW - 4000, btc: 120 },
        whalesLastDay: 1,
        flowsLabelled: false,
        connectedSince: null,
        disconnectedSince: null,
        lastDeltaAt: null,
        stopped: false,
        mempoolVersion: null,
        mempoolBackend: null,
        lookups: null,
        rssMb: null,
      },
    });
    expect(await readWhaleDb(path.join(dir, 'no-whale.db'))).toEqual({
      ok: true,
      value: {
        lastBeatAt: null,
        connected: null,
        tracked: null,
        lastWhale: null,
        whalesLastDay: null,
        connectedSince: null,
        disconnectedSince: null,
        lastDeltaAt: null,
        stopped: false,
        mempoolVersion: null,
        mempoolBackend: null,
        lookups: null,
        rssMb: null,
        flowsLabelled: null,
      },
    });
  });

  it('grades the file size with its WAL', async () => {
    const db = path.join(dir, 'size.db');
    fs.writeFileSync(db, Buffer.alloc(3 * 1024 * 1024));
    fs.writeFileSync(`${db}.wal`, Buffer.alloc(1024 * 1024));
    const o = await checkDbSize(db, { dbSizeWarnMb: 3, dbSizeCritMb: 5 });
    expect(o).toMatchObject({ state: 'WARN', figure: 4 * 1024 * 1024, message: 'size: 4.0 MB' });
  });

  it('is WARN, not a crash, while another process holds the database for writing', async () => {
    const db = path.join(dir, 'held.db');
    await seedPriceDb(db, { priceAges: [60] }, NOW_MS);
    const holder = await holdDatabase(db);
    try {
      const r = await readPriceDb(db, { retries: 1 });
      expect(r).toEqual({
        ok: false,
        state: 'WARN',
        message: 'price database busy (another process holds it); not read',
      });
      expect(checkPriceAge(r, H, NOW).state).toBe('WARN');
      // The size needs no handle, so it is still measured.
      expect((await checkDbSize(db, H)).state).toBe('OK');
    } finally {
      await holder.release();
    }
    expect(await readPriceDb(db, { nowMs: NOW_MS })).toMatchObject({ ok: true });
  });
});
