import { describeError } from '../errors.js';
import { isLockConflict, queryRows, withDatabase } from '../store/duckdb.js';
import type { Logger } from '../log/logger.js';
import type { CheckState } from './types.js';
import fs from 'node:fs';

// One read-only look at each database, shared by the checks that need it. Health never migrates,
// never writes, and opens each file once for a few queries, so a writer waits at most that long.

/** A value read from a database, or why it could not be read and how bad that is. */
export type Read<T> = { ok: true; value: T } | { ok: false; state: CheckState; message: string };

export interface PriceDbSnapshot {
  /** Unix seconds of the newest `prices` row; null when the table is empty. */
  newestPriceAt: number | null;
  lastDayRows: number;
  /** Rows invalid on the oracle's own grounds (confidence, range), not only for want of an exchange price. */
  lastDayInvalid: number;
  /** Rows saved without an exchange price (mempool down or without one; the mempool check says which). */
  lastDayUnpriced: number;
  /** |diff_percent| of the newest rows that have an exchange price, newest first (ReadOptions.divergenceRuns). */
  recentAbsDiffPct: number[];
  /** analyze runs that finished ok or degraded in the window (ReadOptions.runsWindowSec; a failed run priced nothing). */
  analyzeRunsLastHour: number;
  analyzeFailuresLastHour: number;
  lastAnalyzeFailure: { at: number; message: string } | null;
  /** Unix seconds of the first analyze run this database knows of (any status); null when none. */
  firstAnalyzeRunAt: number | null;
  /** Unix seconds of the newest verified backup; null when there is none. */
  newestVerifiedBackupAt: number | null;
  /** The newest `prices` row's figures (the dashboard's price panels); null when the table is empty. */
  newestPrice: NewestPrice | null;
}

/** What the newest `prices` row says, as stored (diff = exchange - UTXOracle). */
export interface NewestPrice {
  utxoraclePrice: number;
  mempoolPrice: number | null;
  diffAmount: number | null;
  confidence: number;
  isValid: boolean;
  lastHeight: number;
}

export interface WhaleSnapshot {
  /** Unix seconds of the newest heartbeat; null when whale-watch never ran. */
  lastBeatAt: number | null;
  connected: boolean | null;
  tracked: number | null;
  /** The newest whale (the first sighting of its chain: a replacement is the same whale); null when none. */
  lastWhale: { at: number; btc: number } | null;
  /** Whales (chains) first seen in the last 24 h; null when there is no whale database. */
  whalesLastDay: number | null;
  /** Whether whale-watch had an exchange address list to label flows with; null before schema 2 or never run. */
  flowsLabelled: boolean | null;
  /** From the newest heartbeat (schema 3; null before, or when it does not say). Unix seconds. */
  connectedSince: number | null;
  disconnectedSince: number | null;
  lastDeltaAt: number | null;
  /** The newest heartbeat is the last one of a whale-watch stopped on purpose. */
  stopped: boolean;
  mempoolVersion: string | null;
  mempoolBackend: string | null;
  /** The lookups whale-watch uses and whether each is up (parsed from the heartbeat's JSON). */
  lookups: unknown[] | null;
  rssMb: number | null;
}

const secondsOf = (v: unknown): number | null => (v instanceof Date ? v.getTime() / 1000 : null);
const stringOf = (v: unknown): string | null => (typeof v === 'string' ? v : null);
function jsonList(v: unknown): unknown[] | null {
  if (typeof v !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export interface ReadOptions {
  log?: Logger;
  /** Open attempts while a writer holds the file; kept small so the check fits its timeout. */
  retries?: number;
  nowMs?: number;
  /** The window analyze runs are counted over (default an hour). */
  runsWindowSec?: number;
  /** What makes a price valid on its own (the row's is_valid also needs an exchange price). */
  validity?: { confidenceThreshold: number; minPriceUsd: number; maxPriceUsd: number };
  /** How many of the newest compared rows the divergence check averages (default 6). */
  divergenceRuns?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What a whale database without a heartbeat (or from before the liveness columns) says of liveness. */
export const NO_LIVENESS = {
  connectedSince: null,
  disconnectedSince: null,
  lastDeltaAt: null,
  stopped: false,
  mempoolVersion: null,
  mempoolBackend: null,
  lookups: null,
  rssMb: null,
} as const;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function readPriceDb(dbPath: string, opts: ReadOptions = {}): Promise<Read<PriceDbSnapshot>> {
  const now = opts.nowMs ?? Date.now();
  return readOnly(dbPath, 'price database', opts, async (conn) => {
    const v = opts.validity ?? { confidenceThreshold: 0, minPriceUsd: 0, maxPriceUsd: 1e15 };
    const [p] = await queryRows(
      conn,
      `SELECT epoch(MAX(timestamp)) AS newest,
              COUNT(*) FILTER (WHERE timestamp >= $1::TIMESTAMP) AS day_rows,
              COUNT(*) FILTER (WHERE timestamp >= $1::TIMESTAMP AND NOT is_valid AND NOT (mempool_price IS NULL
                AND confidence >= $2 AND utxoracle_price BETWEEN $3 AND $4)) AS day_invalid,
              COUNT(*) FILTER (WHERE timestamp >= $1::TIMESTAMP AND mempool_price IS NULL) AS day_unpriced
       FROM prices`,
      [iso(now - 86_400_000), v.confidenceThreshold, v.minPriceUsd, v.maxPriceUsd],
    );
    const diffs = await queryRows(
      conn,
      'SELECT abs(diff_percent) AS d FROM prices WHERE diff_percent IS NOT NULL ORDER BY timestamp DESC LIMIT $1',
      [opts.divergenceRuns ?? 6],
    );
    const [r] = await queryRows(
      conn,
      `SELECT COUNT(*) FILTER (WHERE status IN ('ok', 'degraded') AND started_at >= $1::TIMESTAMP) AS good,
              COUNT(*) FILTER (WHERE status = 'failed' AND started_at >= $1::TIMESTAMP) AS failed,
              epoch(MIN(started_at)) AS first
       FROM job_runs WHERE job = 'analyze'`,
      [iso(now - (opts.runsWindowSec ?? 3600) * 1000)],
    );
    const [f] = await queryRows(
      conn,
      `SELECT epoch(started_at) AS at, message FROM job_runs
       WHERE job = 'analyze' AND status = 'failed' ORDER BY started_at DESC LIMIT 1`,
    );
    const [b] = await queryRows(conn, 'SELECT epoch(MAX(taken_at)) AS newest FROM backups WHERE verified');
    const [n] = await queryRows(
      conn,
      `SELECT utxoracle_price, mempool_price, diff_amount, confidence, is_valid, last_height
       FROM prices ORDER BY timestamp DESC LIMIT 1`,
    );
    return {
      newestPriceAt: num(p?.newest),
      lastDayRows: Number(p?.day_rows ?? 0),
      lastDayInvalid: Number(p?.day_invalid ?? 0),
      lastDayUnpriced: Number(p?.day_unpriced ?? 0),
      recentAbsDiffPct: diffs.map((d) => Number(d.d)),
      analyzeRunsLastHour: Number(r?.good ?? 0),
      analyzeFailuresLastHour: Number(r?.failed ?? 0),
      lastAnalyzeFailure: f ? { at: Number(f.at), message: typeof f.message === 'string' ? f.message : '' } : null,
      firstAnalyzeRunAt: num(r?.first),
      newestVerifiedBackupAt: num(b?.newest),
      newestPrice: n
        ? {
            utxoraclePrice: Number(n.utxoracle_price),
            mempoolPrice: num(n.mempool_price),
            diffAmount: num(n.diff_amount),
            confidence: Number(n.confidence),
            isValid: Boolean(n.is_valid),
            lastHeight: Number(n.last_height),
          }
        : null,
    };
  });
}

export async function readWhaleDb(dbPath: string, opts: ReadOptions = {}): Promise<Read<WhaleSnapshot>> {
  const now = opts.nowMs ?? Date.now();
  // No whale database means whale-watch has never run: that is a fact to report, not an error.
  if (!fs.existsSync(dbPath))
    return {
      ok: true,
      value: {
        lastBeatAt: null,
        connected: null,
        tracked: null,
        lastWhale: null,
        whalesLastDay: null,
        flowsLabelled: null,
        ...NO_LIVENESS,
      },
    };
  return readOnly(dbPath, 'whale database', opts, async (conn) => {
    // `*`: a database not yet migrated to schema 2 (health never migrates) has no flows_labelled.
    const [h] = await queryRows(
      conn,
      'SELECT epoch(beat_at) AS at, * FROM whale_heartbeat ORDER BY beat_at DESC LIMIT 1',
    );
    // A chain's root row is its first sighting (rows of one chain share root_txid; see whale/accuracy.ts).
    const [w] = await queryRows(
      conn,
      `SELECT epoch(detected_at) AS at, total_btc FROM mempool_predictions
       WHERE txid = root_txid ORDER BY detected_at DESC LIMIT 1`,
    );
    const [d] = await queryRows(
      conn,
      'SELECT COUNT(*) AS n FROM mempool_predictions WHERE txid = root_txid AND detected_at >= $1::TIMESTAMP',
      [iso(now - 86_400_000)],
    );
    const labelled = h?.flows_labelled;
    return {
      ...(h
        ? { lastBeatAt: Number(h.at), connected: Boolean(h.connected), tracked: Number(h.tracked) }
        : { lastBeatAt: null, connected: null, tracked: null }),
      lastWhale: w ? { at: Number(w.at), btc: Number(w.total_btc) } : null,
      whalesLastDay: Number(d?.n ?? 0),
      flowsLabelled: typeof labelled === 'boolean' ? labelled : null,
      ...(h
        ? {
            connectedSince: secondsOf(h.connected_since),
            disconnectedSince: secondsOf(h.disconnected_since),
            lastDeltaAt: secondsOf(h.last_delta_at),
            stopped: h.stopped === true,
            mempoolVersion: stringOf(h.mempool_version),
            mempoolBackend: stringOf(h.mempool_backend),
            lookups: jsonList(h.lookups),
            rssMb: typeof h.rss_mb === 'number' ? h.rss_mb : null,
          }
        : NO_LIVENESS),
    };
  });
}

async function readOnly<T>(
  dbPath: string,
  what: string,
  opts: ReadOptions,
  fn: Parameters<typeof withDatabase<T>>[1],
): Promise<Read<T>> {
  if (!fs.existsSync(dbPath))
    return { ok: false, state: 'CRIT', message: `${what} ${dbPath} does not exist (run init-db)` };
  try {
    const value = await withDatabase(dbPath, fn, {
      readOnly: true,
      retries: opts.retries ?? 4,
      minRetryMs: 100,
      maxRetryMs: 400,
      logger: opts.log,
    });
    return { ok: true, value };
  } catch (err) {
    // A writer (analyze, backup, archive) holding the file is normal for a moment: WARN, not a crash.
    if (isLockConflict(err) || isLockConflict((err as Error).cause)) {
      return { ok: false, state: 'WARN', message: `${what} busy (another process holds it); not read` };
    }
    return { ok: false, state: 'CRIT', message: `${what} unreadable: ${describeError(err)}` };
  }
}
