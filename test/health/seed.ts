// Databases in a known state for the health tests: prices, job_runs, backups and a whale
// heartbeat at chosen ages (seconds before `nowMs`), written through the real schema.
import { randomUUID } from 'node:crypto';
import { withDatabase } from '../../src/store/duckdb.js';
import { migrate } from '../../src/store/migrations.js';
import { priceDbSchema } from '../../src/store/schema/priceDb.js';
import { whaleDbSchema } from '../../src/store/schema/whaleDb.js';

export interface PriceSeed {
  /** Ages of `prices` rows, seconds; `invalid` of them (the oldest first) flagged is_valid=false. */
  priceAges?: number[];
  invalid?: number;
  /** mempool's price on every row (default 67,100 beside UTXOracle's 67,000: 0.15% apart); null: none. */
  mempoolPrice?: number | null;
  /** analyze runs: age in seconds and status. */
  runs?: { age: number; status: 'ok' | 'degraded' | 'failed'; message?: string; job?: string }[];
  /** Verified backups by age, seconds (and unverified ones, which must not count). */
  backupAges?: number[];
  unverifiedBackupAges?: number[];
}

const iso = (nowMs: number, ageSec: number) => new Date(nowMs - ageSec * 1000).toISOString();

export async function seedPriceDb(dbPath: string, seed: PriceSeed, nowMs: number): Promise<void> {
  await withDatabase(dbPath, async (conn) => {
    await migrate(conn, priceDbSchema);
    const ages = [...(seed.priceAges ?? [])].sort((a, b) => b - a);
    const mempool = seed.mempoolPrice === undefined ? 67_100 : seed.mempoolPrice;
    // diff and diff_percent as analyze computes them (src/analyze/priceRow.ts).
    const diff = mempool === null ? null : mempool - 67_000;
    for (const [i, age] of ages.entries()) {
      await conn.run(
        `INSERT INTO prices (run_id, timestamp, utxoracle_price, mempool_price, confidence, tx_count, diff_amount, diff_percent,
           is_valid, first_height, last_height, tip_hash, output_count, point_count, rough_price)
         VALUES ($1, $2::TIMESTAMP, 67000, $5, 0.8, 5000, $6, $7, $3, 866980, 867123, $4, 40000, 20000, 66900)`,
        [
          randomUUID(),
          iso(nowMs, age),
          i >= (seed.invalid ?? 0) && mempool !== null,
          '00'.repeat(32),
          mempool,
          diff,
          diff === null ? null : (100 * diff) / 67_000,
        ],
      );
    }
    for (const r of seed.runs ?? []) {
      await conn.run(
        `INSERT INTO job_runs (run_id, job, started_at, finished_at, status, exit_code, duration_ms, message)
         VALUES ($1, $2, $3::TIMESTAMP, $3::TIMESTAMP, $4, $5, 1000, $6)`,
        [
          randomUUID(),
          r.job ?? 'analyze',
          iso(nowMs, r.age),
          r.status,
          r.status === 'ok' ? 0 : r.status === 'degraded' ? 3 : 1,
          r.message ?? r.status,
        ],
      );
    }
    const backups = [
      ...(seed.backupAges ?? []).map((a) => [a, true] as const),
      ...(seed.unverifiedBackupAges ?? []).map((a) => [a, false] as const),
    ];
    for (const [age, verified] of backups) {
      await conn.run(
        `INSERT INTO backups (path, db_name, source_path, taken_at, verified, size_bytes, row_counts, checksums, run_id)
         VALUES ($1, 'price', $2, $3::TIMESTAMP, $4, 1000, '{}', '{}', $5)`,
        [`/backups/${randomUUID()}.db`, dbPath, iso(nowMs, age), verified, randomUUID()],
      );
    }
  });
}

export async function seedWhaleDb(
  dbPath: string,
  heartbeatAges: number[],
  nowMs: number,
  opts: { flowsLabelled?: boolean } = {},
): Promise<void> {
  await withDatabase(dbPath, async (conn) => {
    await migrate(conn, whaleDbSchema);
    for (const age of heartbeatAges) {
      await conn.run(
        `INSERT INTO whale_heartbeat (run_id, pid, started_at, beat_at, connected, tracked, messages, gaps, whales, flows_labelled, caught_up)
         VALUES ($1, 4242, $2::TIMESTAMP, $2::TIMESTAMP, true, 17, 1000, 0, 2, $3, 0)`,
        [randomUUID(), iso(nowMs, age), opts.flowsLabelled ?? true],
      );
    }
  });
}

/** A healthy node's databases: fresh prices, six good analyze runs, last night's backup, a live whale-watch. */
export const HEALTHY_PRICES: PriceSeed = {
  priceAges: [60, 660, 1260, 1860, 2460, 3060],
  runs: [60, 660, 1260, 1860, 2460, 3060].map((age) => ({ age, status: 'ok' as const })),
  backupAges: [5 * 3600],
};
export const HEALTHY_WHALE_AGES = [20, 3600];

/** One more `prices` row with chosen figures (diff and diff_percent as analyze defines them). */
export interface PriceRowSeed {
  ageSec: number;
  utxoracle: number;
  mempool: number | null;
  confidence: number;
  valid: boolean;
  lastHeight: number;
}

export async function addPriceRow(dbPath: string, r: PriceRowSeed, nowMs: number): Promise<void> {
  const diff = r.mempool === null ? null : r.mempool - r.utxoracle;
  await withDatabase(dbPath, (conn) =>
    conn.run(
      `INSERT INTO prices (run_id, timestamp, utxoracle_price, mempool_price, confidence, tx_count, diff_amount, diff_percent,
         is_valid, first_height, last_height, tip_hash, output_count, point_count, rough_price)
       VALUES ($1, $2::TIMESTAMP, $3, $4, $5, 5000, $6, $7, $8, $9, $10, $11, 40000, 20000, $3)`,
      [
        randomUUID(),
        iso(nowMs, r.ageSec),
        r.utxoracle,
        r.mempool,
        r.confidence,
        diff,
        diff === null ? null : (100 * diff) / r.utxoracle,
        r.valid,
        r.lastHeight - 143,
        r.lastHeight,
        '00'.repeat(32),
      ],
    ),
  );
}

/** mempool_predictions rows: a whale's first sighting (root) or a replacement of one (same root). */
export interface WhaleRowSeed {
  txid: string;
  /** The chain's first txid; the row's own txid when absent (a new whale). */
  root?: string;
  ageSec: number;
  btc: number;
}

export async function addWhales(dbPath: string, whales: WhaleRowSeed[], nowMs: number): Promise<void> {
  await withDatabase(dbPath, async (conn) => {
    await migrate(conn, whaleDbSchema);
    for (const w of whales) {
      const sats = Math.round(w.btc * 1e8);
      await conn.run(
        `INSERT INTO mempool_predictions (txid, detected_at, total_sats, total_btc, fee_sats, vsize, fee_rate, rbf, flow,
           exchanges, prevouts_known, urgency, tip_height, predicted_height, predicted_window, replaces_txid, root_txid, alerted)
         VALUES ($1, $2::TIMESTAMP, $3, $4, 5000, 250, 20, true, 'unknown', '', true, 0.5, 880000, 880001, 2, $5, $6, true)`,
        [w.txid, iso(nowMs, w.ageSec), sats, sats / 1e8, w.root ?? null, w.root ?? w.txid],
      );
    }
  });
}
