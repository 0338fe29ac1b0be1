// The SQL of the whale tables (columns in src/store/schema/whaleDb.ts), in multi-row statements so a
// flush of thousands of rows is a handful of round trips. Values are bound as parameters with explicit
// casts, so a null is typed and nothing is ever spliced into the SQL text.
import type { DuckDBConnection, DuckDBValue } from '../store/duckdb.js';
import type { HeartbeatRow, OutcomeRow, PredictionRow } from './rows.js';

const CHUNK = 200;

async function insertMany<T>(
  conn: DuckDBConnection,
  head: string,
  casts: string[],
  rows: T[],
  values: (r: T) => DuckDBValue[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: DuckDBValue[] = [];
    const tuples = chunk.map((r) => {
      const v = values(r);
      const base = params.length;
      params.push(...v);
      return `(${casts.map((c, j) => `$${base + j + 1}::${c}`).join(', ')})`;
    });
    await conn.run(`${head} VALUES ${tuples.join(', ')}`, params);
  }
}

const iso = (d: Date): string => d.toISOString();

export function insertPredictions(conn: DuckDBConnection, rows: PredictionRow[]): Promise<void> {
  return insertMany(
    conn,
    `INSERT INTO mempool_predictions (txid, detected_at, total_sats, total_btc, fee_sats, vsize, fee_rate, rbf, flow, exchanges,
       prevouts_known, urgency, tip_height, predicted_height, predicted_window, replaces_txid, root_txid, alerted)`,
    [
      'VARCHAR',
      'TIMESTAMP',
      'BIGINT',
      'DOUBLE',
      'BIGINT',
      'INTEGER',
      'DOUBLE',
      'BOOLEAN',
      'VARCHAR',
      'VARCHAR',
      'BOOLEAN',
      'DOUBLE',
      'INTEGER',
      'INTEGER',
      'INTEGER',
      'VARCHAR',
      'VARCHAR',
      'BOOLEAN',
    ],
    rows,
    (r) => [
      r.txid,
      iso(r.detectedAt),
      r.totalSats,
      r.totalBtc,
      r.feeSats === null ? null : BigInt(r.feeSats),
      r.vsize,
      r.feeRate,
      r.rbf,
      r.flow,
      r.exchanges.join(','),
      r.prevoutsKnown,
      r.urgency,
      r.tipHeight,
      r.predictedHeight,
      r.predictedWindow,
      r.replacesTxid,
      r.rootTxid,
      r.alerted,
    ],
  );
}

export function upsertOutcomes(conn: DuckDBConnection, rows: OutcomeRow[]): Promise<void> {
  return insertMany(
    conn,
    `INSERT OR REPLACE INTO prediction_outcomes (txid, outcome, resolved_at, confirmed_height, confirmed_txid, minutes_to_confirm,
       blocks_vs_predicted, within_window, replaced_by, source)`,
    ['VARCHAR', 'VARCHAR', 'TIMESTAMP', 'INTEGER', 'VARCHAR', 'DOUBLE', 'INTEGER', 'BOOLEAN', 'VARCHAR', 'VARCHAR'],
    rows,
    (r) => [
      r.txid,
      r.outcome,
      iso(r.resolvedAt),
      r.confirmedHeight,
      r.confirmedTxid,
      r.minutesToConfirm,
      r.blocksVsPredicted,
      r.withinWindow,
      r.replacedBy,
      r.source,
    ],
  );
}

export function insertHeartbeat(conn: DuckDBConnection, b: HeartbeatRow): Promise<void> {
  return insertMany(
    conn,
    `INSERT OR REPLACE INTO whale_heartbeat (run_id, pid, started_at, beat_at, connected, tracked, messages, gaps, whales,
       flows_labelled, caught_up)`,
    [
      'VARCHAR',
      'INTEGER',
      'TIMESTAMP',
      'TIMESTAMP',
      'BOOLEAN',
      'INTEGER',
      'BIGINT',
      'INTEGER',
      'INTEGER',
      'BOOLEAN',
      'BIGINT',
    ],
    [b],
    (r) => [
      r.runId,
      r.pid,
      iso(r.startedAt),
      iso(r.beatAt),
      r.connected,
      r.tracked,
      BigInt(r.messages),
      r.gaps,
      r.whales,
      r.flowsLabelled,
      BigInt(r.caughtUp),
    ],
  );
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
