import type { SchemaDef } from '../migrations.js';
import { ALERT_EVENTS_DDL } from './priceDb.js';

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
  ],
};
