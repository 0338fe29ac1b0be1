// The SQL of the whale tables (columns in src/store/schema/whaleDb.ts), in multi-row statements so a
// flush of thousands of rows is a handful of round trips. Each table's columns are listed once, with
// their type and where their value comes from; values are bound as parameters with explicit casts,
// so a null is typed and nothing is ever spliced into the SQL text.
import type { DuckDBConnection, DuckDBValue } from '../store/duckdb.js';
import type { HeartbeatRow, MetricRow, OutcomeRow, PredictionRow } from './rows.js';

const CHUNK = 200;

/** A column: its name, its SQL type, and its value in a row. */
type Column<T> = readonly [name: string, cast: string, value: (r: T) => DuckDBValue];

async function insertMany<T>(
  conn: DuckDBConnection,
  verb: 'INSERT' | 'INSERT OR REPLACE',
  table: string,
  columns: readonly Column<T>[],
  rows: readonly T[],
): Promise<void> {
  const head = `${verb} INTO ${table} (${columns.map(([n]) => n).join(', ')})`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const params: DuckDBValue[] = [];
    const tuples = rows.slice(i, i + CHUNK).map((r) => {
      const base = params.length;
      for (const [, , value] of columns) params.push(value(r));
      return `(${columns.map(([, cast], j) => `$${base + j + 1}::${cast}`).join(', ')})`;
    });
    await conn.run(`${head} VALUES ${tuples.join(', ')}`, params);
  }
}

const iso = (d: Date): string => d.toISOString();
const isoOrNull = (d: Date | null): string | null => (d === null ? null : d.toISOString());

const PREDICTION: readonly Column<PredictionRow>[] = [
  ['txid', 'VARCHAR', (r) => r.txid],
  ['detected_at', 'TIMESTAMP', (r) => iso(r.detectedAt)],
  // The whale guide's name for the same moment.
  ['prediction_timestamp', 'TIMESTAMP', (r) => iso(r.detectedAt)],
  ['total_sats', 'BIGINT', (r) => r.totalSats],
  ['total_btc', 'DOUBLE', (r) => r.totalBtc],
  ['fee_sats', 'BIGINT', (r) => (r.feeSats === null ? null : BigInt(r.feeSats))],
  ['vsize', 'INTEGER', (r) => r.vsize],
  ['fee_rate', 'DOUBLE', (r) => r.feeRate],
  ['rbf', 'BOOLEAN', (r) => r.rbf],
  ['flow', 'VARCHAR', (r) => r.flow],
  ['exchanges', 'VARCHAR', (r) => r.exchanges.join(',')],
  ['prevouts_known', 'BOOLEAN', (r) => r.prevoutsKnown],
  ['urgency', 'DOUBLE', (r) => r.urgency],
  ['tip_height', 'INTEGER', (r) => r.tipHeight],
  ['predicted_height', 'INTEGER', (r) => r.predictedHeight],
  ['predicted_window', 'INTEGER', (r) => r.predictedWindow],
  ['replaces_txid', 'VARCHAR', (r) => r.replacesTxid],
  ['root_txid', 'VARCHAR', (r) => r.rootTxid],
  ['alerted', 'BOOLEAN', (r) => r.alerted],
];

const OUTCOME: readonly Column<OutcomeRow>[] = [
  ['txid', 'VARCHAR', (r) => r.txid],
  ['outcome', 'VARCHAR', (r) => r.outcome],
  ['resolved_at', 'TIMESTAMP', (r) => iso(r.resolvedAt)],
  ['confirmed_height', 'INTEGER', (r) => r.confirmedHeight],
  ['confirmed_txid', 'VARCHAR', (r) => r.confirmedTxid],
  ['minutes_to_confirm', 'DOUBLE', (r) => r.minutesToConfirm],
  ['blocks_vs_predicted', 'INTEGER', (r) => r.blocksVsPredicted],
  ['within_window', 'BOOLEAN', (r) => r.withinWindow],
  ['replaced_by', 'VARCHAR', (r) => r.replacedBy],
  ['source', 'VARCHAR', (r) => r.source],
  // The whale guide's names for outcome, resolved_at and within_window.
  ['outcome_status', 'VARCHAR', (r) => r.outcome],
  ['confirmation_timestamp', 'TIMESTAMP', (r) => iso(r.resolvedAt)],
  ['prediction_accuracy', 'BOOLEAN', (r) => r.withinWindow],
];

const HEARTBEAT: readonly Column<HeartbeatRow>[] = [
  ['run_id', 'VARCHAR', (r) => r.runId],
  ['pid', 'INTEGER', (r) => r.pid],
  ['started_at', 'TIMESTAMP', (r) => iso(r.startedAt)],
  ['beat_at', 'TIMESTAMP', (r) => iso(r.beatAt)],
  ['connected', 'BOOLEAN', (r) => r.connected],
  ['tracked', 'INTEGER', (r) => r.tracked],
  ['messages', 'BIGINT', (r) => BigInt(r.messages)],
  ['gaps', 'INTEGER', (r) => r.gaps],
  ['whales', 'INTEGER', (r) => r.whales],
  ['flows_labelled', 'BOOLEAN', (r) => r.flowsLabelled],
  ['caught_up', 'BIGINT', (r) => BigInt(r.caughtUp)],
  ['connected_since', 'TIMESTAMP', (r) => isoOrNull(r.connectedSince)],
  ['disconnected_since', 'TIMESTAMP', (r) => isoOrNull(r.disconnectedSince)],
  ['last_delta_at', 'TIMESTAMP', (r) => isoOrNull(r.lastDeltaAt)],
  ['stopped', 'BOOLEAN', (r) => r.stopped],
  ['mempool_version', 'VARCHAR', (r) => r.mempoolVersion],
  ['mempool_backend', 'VARCHAR', (r) => r.mempoolBackend],
  ['lookups', 'VARCHAR', (r) => r.lookups],
  ['rss_mb', 'DOUBLE', (r) => r.rssMb],
];

const METRIC: readonly Column<MetricRow>[] = [
  ['metric_id', 'VARCHAR', (r) => `${r.runId}:${r.name}:${r.at.getTime()}`],
  ['timestamp', 'TIMESTAMP', (r) => iso(r.at)],
  ['metric_name', 'VARCHAR', (r) => r.name],
  ['value', 'DOUBLE', (r) => r.value],
  ['run_id', 'VARCHAR', (r) => r.runId],
];

export function insertPredictions(conn: DuckDBConnection, rows: PredictionRow[]): Promise<void> {
  return insertMany(conn, 'INSERT', 'mempool_predictions', PREDICTION, rows);
}

export function upsertOutcomes(conn: DuckDBConnection, rows: OutcomeRow[]): Promise<void> {
  return insertMany(conn, 'INSERT OR REPLACE', 'prediction_outcomes', OUTCOME, rows);
}

export function insertHeartbeat(conn: DuckDBConnection, b: HeartbeatRow): Promise<void> {
  return insertMany(conn, 'INSERT OR REPLACE', 'whale_heartbeat', HEARTBEAT, [b]);
}

export function insertMetrics(conn: DuckDBConnection, rows: MetricRow[]): Promise<void> {
  return insertMany(conn, 'INSERT OR REPLACE', 'system_metrics', METRIC, rows);
}

export async function markAlerted(conn: DuckDBConnection, txids: string[]): Promise<void> {
  for (let i = 0; i < txids.length; i += CHUNK) {
    const ids = txids.slice(i, i + CHUNK);
    await conn.run(
      `UPDATE mempool_predictions SET alerted = true WHERE txid IN (${ids.map((_, j) => `$${j + 1}`).join(',')})`,
      ids,
    );
  }
}
