// A price database and a whale database filled the way the jobs fill them (the suite's schema and
// migrations, the whale rows through src/whale/sql.ts, which also keeps the whale guide's column
// names), with rows at ages every documented query looks at: hours, days, weeks and months old.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withDatabase } from '../../src/store/duckdb.js';
import { migrate } from '../../src/store/migrations.js';
import { priceDbSchema } from '../../src/store/schema/priceDb.js';
import { whaleDbSchema } from '../../src/store/schema/whaleDb.js';
import { insertHeartbeat, insertMetrics, insertPredictions, upsertOutcomes } from '../../src/whale/sql.js';
import type { OutcomeRow, PredictionRow } from '../../src/whale/rows.js';

export interface FilledDbs {
  dir: string;
  priceDb: string;
  whaleDb: string;
  remove(): void;
}

const DAY = 86_400_000;
/** Ages of the `prices` rows, in days, with validity, confidence and diff_percent. */
export const PRICE_ROWS: { days: number; valid: boolean; confidence: number; diff: number }[] = [
  { days: 0.01, valid: true, confidence: 0.91, diff: 0.3 },
  { days: 0.5, valid: true, confidence: 0.88, diff: -0.6 },
  { days: 2, valid: false, confidence: 0.21, diff: 1.9 },
  { days: 6, valid: true, confidence: 0.9, diff: 0.8 },
  { days: 20, valid: true, confidence: 0.87, diff: -1.2 },
  { days: 45, valid: false, confidence: 0.12, diff: 4.1 },
  { days: 120, valid: true, confidence: 0.9, diff: 0.1 },
];

const sqlTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export async function fillDbs(nowMs = Date.now()): Promise<FilledDbs> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-sql-'));
  const priceDb = path.join(dir, 'utxoracle_cache.db');
  const whaleDb = path.join(dir, 'mempool_predictions.db');
  await withDatabase(priceDb, async (conn) => {
    await migrate(conn, priceDbSchema);
    for (const r of PRICE_ROWS) {
      const usd = 100_000;
      await conn.run(
        `INSERT INTO prices (run_id, timestamp, utxoracle_price, mempool_price, confidence, tx_count, diff_amount,
           diff_percent, is_valid, first_height, last_height, tip_hash, output_count, point_count, rough_price)
         VALUES ($1, $2::TIMESTAMP, $3, $4, $5, 5000, $6, $7, $8, 880000, 880143, $9, 40000, 20000, $3)`,
        [
          randomUUID(),
          sqlTime(nowMs - r.days * DAY),
          usd,
          usd * (1 + r.diff / 100),
          r.confidence,
          (usd * r.diff) / 100,
          r.diff,
          r.valid,
          '00'.repeat(32),
        ],
      );
    }
    for (const [i, days] of [1, 2, 3].entries())
      await conn.run(
        `INSERT INTO daily_prices (date, price, rough_price, first_height, last_height, first_time, last_time, last_hash,
           tx_count, output_count, point_count, points_in_window, dev, dev_pct, confidence, computed_at, run_id)
         VALUES ($1::DATE, 100000 + $2, 100000, 880000, 880143, $3::TIMESTAMP, $3::TIMESTAMP, $4, 5000, 40000, 20000, 19000,
           0.01, 0.01, 0.9, $3::TIMESTAMP, $5)`,
        [
          new Date(nowMs - days * DAY).toISOString().slice(0, 10),
          i,
          sqlTime(nowMs - days * DAY),
          '00'.repeat(32),
          randomUUID(),
        ],
      );
    for (const [i, min] of [5, 15, 25, 35, 45, 55, 70].entries())
      await conn.run(
        `INSERT INTO job_runs (run_id, job, started_at, finished_at, status, exit_code, duration_ms, message)
         VALUES ($1, 'analyze', $2::TIMESTAMP, $3::TIMESTAMP, $4, $5, $6, $7)`,
        [
          randomUUID(),
          sqlTime(nowMs - min * 60_000),
          sqlTime(nowMs - min * 60_000 + 700 + 50 * i),
          i === 3 ? 'degraded' : 'ok',
          i === 3 ? 3 : 0,
          700 + 50 * i,
          i === 3 ? 'degraded' : 'ok',
        ],
      );
  });
  await withDatabase(whaleDb, async (conn) => {
    await migrate(conn, whaleDbSchema);
    const pred = (n: number, hoursAgo: number): PredictionRow => ({
      txid: n.toString(16).padStart(64, '0'),
      detectedAt: new Date(nowMs - hoursAgo * 3_600_000),
      totalSats: BigInt(150 + n) * 100_000_000n,
      totalBtc: 150 + n,
      feeSats: 1000,
      vsize: 100,
      feeRate: 10,
      rbf: true,
      flow: n % 2 ? 'inflow' : 'unknown',
      exchanges: n % 2 ? ['Binance'] : [],
      prevoutsKnown: true,
      urgency: 0.5,
      tipHeight: 880_000,
      predictedHeight: 880_002,
      predictedWindow: 2,
      replacesTxid: null,
      rootTxid: n.toString(16).padStart(64, '0'),
      alerted: true,
    });
    const ages = [1, 3, 10, 30, 60, 100, 24 * 100];
    const preds = ages.map((h, i) => pred(i + 1, h));
    await insertPredictions(conn, preds);
    const outcome = (p: PredictionRow, kind: OutcomeRow['outcome'], right: boolean): OutcomeRow => ({
      txid: p.txid,
      outcome: kind,
      resolvedAt: new Date(p.detectedAt.getTime() + 20 * 60_000),
      confirmedHeight: kind === 'confirmed' ? (right ? 880_002 : 880_009) : null,
      confirmedTxid: kind === 'confirmed' ? p.txid : null,
      minutesToConfirm: kind === 'confirmed' ? 20 : null,
      blocksVsPredicted: kind === 'confirmed' ? (right ? 0 : 7) : null,
      withinWindow: kind === 'confirmed' ? right : false,
      replacedBy: null,
      source: 'stream',
    });
    await upsertOutcomes(conn, [
      outcome(preds[0]!, 'confirmed', true),
      outcome(preds[1]!, 'confirmed', false),
      outcome(preds[2]!, 'dropped', false),
      outcome(preds[3]!, 'confirmed', true),
      outcome(preds[6]!, 'confirmed', true),
    ]);
    const runId = randomUUID();
    await insertHeartbeat(conn, {
      runId,
      pid: 4242,
      startedAt: new Date(nowMs - 3_600_000),
      beatAt: new Date(nowMs - 20_000),
      connected: true,
      tracked: 12,
      messages: 1000,
      gaps: 0,
      whales: 7,
      flowsLabelled: true,
      caughtUp: 0,
      connectedSince: new Date(nowMs - 3_600_000),
      disconnectedSince: null,
      lastDeltaAt: new Date(nowMs - 5_000),
      stopped: false,
      mempoolVersion: '3.2.1',
      mempoolBackend: 'none',
      lookups: '[]',
      rssMb: 150,
    });
    await insertMetrics(
      conn,
      [30, 20, 10].flatMap((min) => [
        { runId, at: new Date(nowMs - min * 60_000), name: 'memory_usage_mb', value: 140 + min },
        { runId, at: new Date(nowMs - min * 60_000), name: 'tracked_whales', value: 12 },
      ]),
    );
  });
  return { dir, priceDb, whaleDb, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
