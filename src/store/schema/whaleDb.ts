import type { SchemaDef } from '../migrations.js';
import { ALERT_EVENTS_DDL, ALERT_EVENTS_V2, RUNBOOK_DATE_SUB } from './priceDb.js';

/**
 * The whale guide's column names, kept equal to this suite's own by every insert (whale/sql.ts) and
 * filled here for rows written before they existed (and after a restore of older archives):
 * prediction_timestamp = detected_at, outcome_status = outcome, confirmation_timestamp = resolved_at,
 * prediction_accuracy = within_window. DuckDB cannot add a generated column to an existing table.
 */
export const WHALE_GUIDE_BACKFILL = [
  'UPDATE mempool_predictions SET prediction_timestamp = detected_at WHERE prediction_timestamp IS NULL',
  `UPDATE prediction_outcomes SET outcome_status = outcome, confirmation_timestamp = resolved_at,
     prediction_accuracy = within_window WHERE outcome_status IS NULL`,
];

export const whaleDbSchema: SchemaDef = {
  name: 'whale database',
  migrations: [
    {
      version: 1,
      name: 'mempool_predictions, prediction_outcomes, whale_heartbeat, alert_events',
      statements: [
        `CREATE TABLE IF NOT EXISTS mempool_predictions (
          txid VARCHAR PRIMARY KEY,
          detected_at TIMESTAMP NOT NULL,
          total_sats BIGINT NOT NULL,
          total_btc DOUBLE NOT NULL,
          fee_sats BIGINT,
          vsize INTEGER,
          fee_rate DOUBLE,
          rbf BOOLEAN NOT NULL,
          flow VARCHAR NOT NULL,
          exchanges VARCHAR NOT NULL,
          prevouts_known BOOLEAN NOT NULL,
          urgency DOUBLE NOT NULL,
          tip_height INTEGER,
          predicted_height INTEGER,
          predicted_window INTEGER,
          replaces_txid VARCHAR,
          root_txid VARCHAR NOT NULL,
          alerted BOOLEAN NOT NULL,
          CHECK (urgency >= 0 AND urgency <= 1)
        )`,
        'CREATE INDEX IF NOT EXISTS mempool_predictions_detected_idx ON mempool_predictions (detected_at)',
        `CREATE TABLE IF NOT EXISTS prediction_outcomes (
          txid VARCHAR PRIMARY KEY,
          outcome VARCHAR NOT NULL,
          resolved_at TIMESTAMP NOT NULL,
          confirmed_height INTEGER,
          confirmed_txid VARCHAR,
          minutes_to_confirm DOUBLE,
          blocks_vs_predicted INTEGER,
          within_window BOOLEAN,
          replaced_by VARCHAR,
          source VARCHAR NOT NULL
        )`,
        `CREATE TABLE IF NOT EXISTS whale_heartbeat (
          run_id VARCHAR PRIMARY KEY,
          pid INTEGER NOT NULL,
          started_at TIMESTAMP NOT NULL,
          beat_at TIMESTAMP NOT NULL,
          connected BOOLEAN NOT NULL,
          tracked INTEGER NOT NULL,
          messages BIGINT NOT NULL,
          gaps INTEGER NOT NULL,
          whales INTEGER NOT NULL
        )`,
        ALERT_EVENTS_DDL,
      ],
    },
    {
      version: 2,
      name: 'whale_heartbeat: flows_labelled, caught_up (long-running whale-watch)',
      statements: [
        // Whether an exchange address list was loaded (without one every flow is `unknown`), and
        // how many transactions catching up with the mempool has examined. NULL on older rows.
        'ALTER TABLE whale_heartbeat ADD COLUMN flows_labelled BOOLEAN',
        'ALTER TABLE whale_heartbeat ADD COLUMN caught_up BIGINT',
      ],
    },
    {
      version: 3,
      name: 'never deaf without saying so (heartbeat connection, deltas, lookups, memory); the whale guide’s names; system_metrics',
      statements: [
        // Connected or not since when, the newest mempool-transactions delta, a stop on purpose,
        // mempool's version and backend, the lookups in use (JSON), whale-watch's own RSS.
        'ALTER TABLE whale_heartbeat ADD COLUMN connected_since TIMESTAMP',
        'ALTER TABLE whale_heartbeat ADD COLUMN disconnected_since TIMESTAMP',
        'ALTER TABLE whale_heartbeat ADD COLUMN last_delta_at TIMESTAMP',
        'ALTER TABLE whale_heartbeat ADD COLUMN stopped BOOLEAN',
        'ALTER TABLE whale_heartbeat ADD COLUMN mempool_version VARCHAR',
        'ALTER TABLE whale_heartbeat ADD COLUMN mempool_backend VARCHAR',
        'ALTER TABLE whale_heartbeat ADD COLUMN lookups VARCHAR',
        'ALTER TABLE whale_heartbeat ADD COLUMN rss_mb DOUBLE',
        'ALTER TABLE mempool_predictions ADD COLUMN prediction_timestamp TIMESTAMP',
        'ALTER TABLE prediction_outcomes ADD COLUMN outcome_status VARCHAR',
        'ALTER TABLE prediction_outcomes ADD COLUMN confirmation_timestamp TIMESTAMP',
        'ALTER TABLE prediction_outcomes ADD COLUMN prediction_accuracy BOOLEAN',
        ...WHALE_GUIDE_BACKFILL,
        `CREATE TABLE IF NOT EXISTS system_metrics (
          metric_id VARCHAR PRIMARY KEY,
          timestamp TIMESTAMP NOT NULL,
          metric_name VARCHAR NOT NULL,
          value DOUBLE NOT NULL,
          run_id VARCHAR NOT NULL,
          CHECK (NOT isnan(value))
        )`,
        'CREATE INDEX IF NOT EXISTS system_metrics_timestamp_idx ON system_metrics (timestamp)',
        RUNBOOK_DATE_SUB,
        ...ALERT_EVENTS_V2,
      ],
    },
  ],
};
