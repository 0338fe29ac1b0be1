// The price database as the analyze steps see it: a handle the job gives them. The job opens it
// from the settings, keeps it between back-to-back uses and releases it before any wait on the
// network (jobs/analyzeDatabases.ts); a step only runs its queries on what it is handed.
import type { DuckDBConnection } from '../store/duckdb.js';

export interface PriceDb {
  /** The file, for log lines and the run's result. */
  readonly path: string;
  /** Runs `fn` on the database (schema brought up to date), retrying while another process holds it. */
  use<T>(fn: (conn: DuckDBConnection) => Promise<T>, opts?: { retries?: number }): Promise<T>;
}

/** Where a `prices` row may go: the primary database, else the fallback. */
export interface PriceDbs {
  primary: PriceDb;
  fallback: PriceDb;
}
