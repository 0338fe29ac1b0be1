import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { duckdb } from '../lib/commonjs.js';
import pRetry, { AbortError } from 'p-retry';
import { StoreError } from '../errors.js';
import { silentLogger, type Logger } from '../log/logger.js';

export type { DuckDBConnection, DuckDBValue };

export interface OpenOptions {
  readOnly?: boolean;
  /** Attempts while another process holds the file (DuckDB allows one writing process). */
  retries?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
  logger?: Logger;
}

/** DuckDB's message when another process holds the file lock. */
export function isLockConflict(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /Could not set lock on file|Conflicting lock is held/i.test(msg);
}

/**
 * Opens the database for the work at hand only, and always closes it: no job keeps a handle
 * (and so DuckDB's process-wide file lock) while it waits on the network.
 */
export async function withDatabase<T>(dbPath: string, fn: (conn: DuckDBConnection) => Promise<T>, opts: OpenOptions = {}): Promise<T> {
  const log = opts.logger ?? silentLogger;
  if (!opts.readOnly) fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o750 });
  else if (!fs.existsSync(dbPath)) throw new StoreError(`database ${dbPath} does not exist (run init-db)`, dbPath);
  const instance = await pRetry(
    async () => {
      try {
        return await duckdb.DuckDBInstance.create(dbPath, opts.readOnly ? { access_mode: 'READ_ONLY' } : {});
      } catch (err) {
        if (isLockConflict(err)) throw err;
        throw new AbortError(err as Error);
      }
    },
    {
      retries: opts.retries ?? 20,
      minTimeout: opts.minRetryMs ?? 100,
      maxTimeout: opts.maxRetryMs ?? 2_000,
      randomize: true,
      onFailedAttempt: ({ attemptNumber, retriesLeft }) => {
        log.warn({ db: dbPath, attempt: attemptNumber, retriesLeft }, 'database busy (another process holds it); retrying');
      },
    },
  ).catch((err: unknown) => {
    const why = isLockConflict(err) ? 'another process holds it' : (err as Error).message;
    throw new StoreError(`cannot open database ${dbPath}: ${why}`, dbPath, { cause: err });
  });
  let conn: DuckDBConnection | undefined;
  try {
    conn = await instance.connect();
    // Timestamps are stored as UTC wall time in TIMESTAMP columns.
    await conn.run("SET TimeZone = 'UTC'");
    return await fn(conn);
  } finally {
    conn?.closeSync();
    instance.closeSync();
  }
}

/** Runs fn inside BEGIN/COMMIT, rolling back on any error. */
export async function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const out = await fn();
    await conn.run('COMMIT');
    return out;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Rows as plain JS objects (BIGINT -> bigint, TIMESTAMP -> Date, DECIMAL -> number...). */
export async function queryRows(conn: DuckDBConnection, sql: string, params?: DuckDBValue[]): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

export async function queryValue<T = unknown>(conn: DuckDBConnection, sql: string, params?: DuckDBValue[]): Promise<T | undefined> {
  const reader = await conn.runAndReadAll(sql, params);
  const rows = reader.getRowsJS();
  return rows[0]?.[0] as T | undefined;
}
