import type { SchemaDef } from '../migrations.js';

// Timestamps are TIMESTAMP columns holding UTC (connections run with TimeZone=UTC).
// `prices.run_id` is the natural key: it lets fallback rows move to the primary without duplicates.

const alertEvents = `CREATE TABLE IF NOT EXISTS alert_events (
  event_id VARCHAR PRIMARY KEY,
  event_type VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  payload VARCHAR NOT NULL,
  delivered BOOLEAN NOT NULL,
  attempts INTEGER NOT NULL,
  last_error VARCHAR
)`;

/**
 * The runbook's MySQL `DATE_SUB(NOW(), INTERVAL 7 days)`, as a macro in the database file so its
 * queries run as printed in the duckdb CLI. A two-argument macro alone would hide DuckDB's own
 * three-argument `date_sub(part, start, end)`, so the macro has both forms, the second calling the
 * built-in by its full name.
 */
export const RUNBOOK_DATE_SUB =
  'CREATE OR REPLACE MACRO date_sub(a, b) AS a - b, (part, startdate, enddate) AS system.main.date_sub(part, startdate, enddate)';

/** Each alert's key (type + subject) and status (firing, resolved, test): see src/alerts/. */
export const ALERT_EVENTS_V2 = [
  'ALTER TABLE alert_events ADD COLUMN alert_key VARCHAR',
  'ALTER TABLE alert_events ADD COLUMN status VARCHAR',
];

export const priceDbSchema: SchemaDef = {
  name: 'price database',
  migrations: [
    {
      version: 1,
      name: 'prices, daily_prices, job_runs, backups, alert_events',
      statements: [
        `CREATE TABLE IF NOT EXISTS prices (
          run_id VARCHAR PRIMARY KEY,
          timestamp TIMESTAMP NOT NULL,
          utxoracle_price DOUBLE NOT NULL,
          mempool_price DOUBLE,
          confidence DOUBLE NOT NULL,
          tx_count INTEGER NOT NULL,
          diff_amount DOUBLE,
          diff_percent DOUBLE,
          is_valid BOOLEAN NOT NULL,
          first_height INTEGER NOT NULL,
          last_height INTEGER NOT NULL,
          tip_hash VARCHAR NOT NULL,
          output_count INTEGER NOT NULL,
          point_count INTEGER NOT NULL,
          rough_price DOUBLE NOT NULL,
          CHECK (utxoracle_price > 0 AND NOT isnan(utxoracle_price)),
          CHECK (confidence >= 0 AND confidence <= 1),
          CHECK (mempool_price IS NULL OR mempool_price > 0)
        )`,
        'CREATE INDEX IF NOT EXISTS prices_timestamp_idx ON prices (timestamp)',
        `CREATE TABLE IF NOT EXISTS daily_prices (
          date DATE PRIMARY KEY,
          price DOUBLE NOT NULL,
          rough_price DOUBLE NOT NULL,
          first_height INTEGER NOT NULL,
          last_height INTEGER NOT NULL,
          first_time TIMESTAMP NOT NULL,
          last_time TIMESTAMP NOT NULL,
          last_hash VARCHAR NOT NULL,
          tx_count INTEGER NOT NULL,
          output_count INTEGER NOT NULL,
          point_count INTEGER NOT NULL,
          points_in_window INTEGER NOT NULL,
          dev DOUBLE NOT NULL,
          dev_pct DOUBLE NOT NULL,
          confidence DOUBLE NOT NULL,
          computed_at TIMESTAMP NOT NULL,
          run_id VARCHAR NOT NULL,
          CHECK (price > 0 AND NOT isnan(price))
        )`,
        `CREATE TABLE IF NOT EXISTS job_runs (
          run_id VARCHAR PRIMARY KEY,
          job VARCHAR NOT NULL,
          started_at TIMESTAMP NOT NULL,
          finished_at TIMESTAMP,
          status VARCHAR NOT NULL,
          exit_code INTEGER,
          duration_ms DOUBLE,
          message VARCHAR
        )`,
        'CREATE INDEX IF NOT EXISTS job_runs_job_started_idx ON job_runs (job, started_at)',
        `CREATE TABLE IF NOT EXISTS backups (
          path VARCHAR PRIMARY KEY,
          db_name VARCHAR NOT NULL,
          source_path VARCHAR NOT NULL,
          taken_at TIMESTAMP NOT NULL,
          verified BOOLEAN NOT NULL,
          size_bytes BIGINT NOT NULL,
          row_counts VARCHAR NOT NULL,
          checksums VARCHAR NOT NULL,
          run_id VARCHAR NOT NULL
        )`,
        alertEvents,
      ],
    },
    {
      version: 2,
      name: 'the runbook’s DATE_SUB(NOW(), INTERVAL n days); alert_events: alert_key, status',
      statements: [RUNBOOK_DATE_SUB, ...ALERT_EVENTS_V2],
    },
  ],
};

export const ALERT_EVENTS_DDL = alertEvents;
