// Reads of the whale tables: whales still pending (reloaded at start so a restart keeps following
// them) and the rows behind the accuracy report. Values come back checked: a NULL where a number is
// expected stays null, never NaN.
import type { DuckDBConnection } from '../store/duckdb.js';
import { queryRows, queryValue } from '../store/duckdb.js';
import type { ReportRow } from './accuracy.js';
import type { Tracked } from './tracker.js';

const num = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number.isFinite(Number(v)) ? Number(v) : null;
const time = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

/**
 * Predictions without an outcome, newest `limit` (oldest first, as the tracker wants them). Chains
 * come back as separate entries, one per pending transaction; ancestors already have their `replaced`
 * rows, and are rewritten when the pending member settles only if they are in memory, so a restart
 * judges them by the report's chain rule instead (accuracy.ts).
 */
export async function loadPending(conn: DuckDBConnection, limit: number): Promise<Tracked[]> {
  const rows = await queryRows(
    conn,
    `SELECT p.txid, p.root_txid, p.detected_at, p.predicted_height, p.predicted_window
     FROM mempool_predictions p LEFT JOIN prediction_outcomes o ON o.txid = p.txid
     WHERE o.txid IS NULL ORDER BY p.detected_at DESC LIMIT $1`,
    [limit],
  );
  return rows.reverse().map((r) => ({
    txid: String(r.txid),
    rootTxid: String(r.root_txid),
    detectedAtMs: time(r.detected_at).getTime(),
    predictedHeight: num(r.predicted_height),
    window: num(r.predicted_window),
    ancestors: [],
    spends: [],
  }));
}

/** Every prediction of the chains that have a member detected since `fromMs`, with its outcome. */
export async function loadReportRows(conn: DuckDBConnection, fromMs: number): Promise<ReportRow[]> {
  const rows = await queryRows(
    conn,
    `SELECT p.txid, p.root_txid, p.detected_at, p.predicted_height, p.predicted_window,
            o.outcome, o.confirmed_height, o.minutes_to_confirm
     FROM mempool_predictions p LEFT JOIN prediction_outcomes o ON o.txid = p.txid
     WHERE p.root_txid IN (SELECT root_txid FROM mempool_predictions WHERE detected_at >= $1::TIMESTAMP)`,
    [new Date(fromMs).toISOString()],
  );
  const outcomes = new Set(['confirmed', 'replaced', 'dropped', 'expired']);
  return rows.map((r) => ({
    txid: String(r.txid),
    rootTxid: String(r.root_txid),
    detectedAt: time(r.detected_at),
    predictedHeight: num(r.predicted_height),
    predictedWindow: num(r.predicted_window),
    outcome: outcomes.has(String(r.outcome)) ? (String(r.outcome) as ReportRow['outcome']) : null,
    confirmedHeight: num(r.confirmed_height),
    minutesToConfirm: num(r.minutes_to_confirm),
  }));
}

/** When an accuracy alert of at least this severity was last sent (for the cooldown), or undefined. */
export async function lastAlertAt(
  conn: DuckDBConnection,
  eventType: string,
  severities: string[],
): Promise<Date | undefined> {
  const v = await queryValue<unknown>(
    conn,
    `SELECT max(created_at) FROM alert_events WHERE event_type = $1 AND delivered
       AND severity IN (${severities.map((_, i) => `$${i + 2}`).join(',')})`,
    [eventType, ...severities],
  );
  return v === null || v === undefined ? undefined : time(v);
}
