import path from 'node:path';
import type { DatabasePaths } from '../store/databases.js';

export type ArchiveDb = 'price' | 'whale';

/** A table that archive moves out: its database, its time column (month partition) and key. */
export interface ArchiveTable {
  db: ArchiveDb;
  table: string;
  timeCol: string;
  /** The row's identity: how a re-run recognises a row that is already in an archive. */
  key: string;
}

// Both databases have an alert_events table; the part file's name prefix (price-/whale-) says
// which one a file came from, so both land under table=alert_events and read back together.
export const ARCHIVE_TABLES: readonly ArchiveTable[] = [
  { db: 'price', table: 'prices', timeCol: 'timestamp', key: 'run_id' },
  { db: 'price', table: 'daily_prices', timeCol: 'date', key: 'date' },
  { db: 'price', table: 'job_runs', timeCol: 'started_at', key: 'run_id' },
  { db: 'price', table: 'alert_events', timeCol: 'created_at', key: 'event_id' },
  { db: 'whale', table: 'mempool_predictions', timeCol: 'detected_at', key: 'txid' },
  { db: 'whale', table: 'prediction_outcomes', timeCol: 'resolved_at', key: 'txid' },
  { db: 'whale', table: 'alert_events', timeCol: 'created_at', key: 'event_id' },
  // whale-watch's samples every few minutes (the whale guide's system_metrics): kept in check too.
  { db: 'whale', table: 'system_metrics', timeCol: 'timestamp', key: 'metric_id' },
];

export function dbPath(s: Pick<DatabasePaths, 'duckdbPath' | 'whaleDbPath'>, db: ArchiveDb): string {
  return db === 'price' ? s.duckdbPath : s.whaleDbPath;
}

/** `<archive>/table=<t>/month=<YYYY-MM>`: Hive partitioning, which DuckDB and Spark read as columns. */
export function monthDir(archiveDir: string, table: string, month: string): string {
  return path.join(archiveDir, `table=${table}`, `month=${month}`);
}

/** Temp files live outside the partition tree, so a reader's glob never sees a half-written file. */
export function tempDir(archiveDir: string): string {
  return path.join(archiveDir, '.tmp');
}

export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
