import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { duckdb } from '../lib/commonjs.js';
import pRetry, { AbortError } from 'p-retry';
import { StoreError, describeError } from '../errors.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { describeHolders } from './lockHolders.js';

export type { DuckDBConnection, DuckDBValue };

export interface OpenOptions {
  readOnly?: boolean;
  /** Attempts while another process holds the file (DuckDB allows one writing process). */
  retries?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
  logger?: Logger;
}

/**
 * Why a file would not open, in plain words where DuckDB's are raw (`IO Error: The file … exists,
 * but it is not a valid DuckDB database file!`); other errors keep their own message.
 */
export function plainOpenError(err: unknown): string {
  const msg = describeError(err);
  if (/not a valid DuckDB database file/i.test(msg)) return 'not a DuckDB database file';
  if (/Could not read enough bytes/i.test(msg)) return 'a truncated or damaged DuckDB file (it ends too early)';
  return msg;
}

/** DuckDB's message when another process holds the file lock. */
export function isLockConflict(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /Could not set lock on file|Conflicting lock is held/i.test(msg);
}

interface SharedOpen {
  instance: InstanceType<typeof duckdb.DuckDBInstance>;
  conn: DuckDBConnection;
  readOnly: boolean;
}

// Databases kept open across back-to-back uses inside withSharedDatabases (by path).
const shared = new AsyncLocalStorage<Map<string, SharedOpen>>();

function closeShared(opened: Map<string, SharedOpen>): void {
  for (const { conn, instance } of opened.values()) {
    conn.closeSync();
    instance.closeSync();
  }
  opened.clear();
}

/**
 * Inside `fn`, a database opened by withDatabase stays open for the next withDatabase on the same
 * file, until `fn` ends or releaseSharedDatabases() is called. Opening and closing costs ~60-90 ms
 * (the close checkpoints), and the analyze cron run writes its row, checks the finished days and
 * records itself one after the other: one open instead of three. Callers release before waiting
 * on the network, so no handle (and DuckDB's file lock) is held while other jobs might wait for it.
 */
export async function withSharedDatabases<T>(fn: () => Promise<T>): Promise<T> {
  const opened = new Map<string, SharedOpen>();
  try {
    return await shared.run(opened, fn);
  } finally {
    closeShared(opened);
  }
}

/** Closes the databases the current withSharedDatabases scope holds (no-op outside one). */
export function releaseSharedDatabases(): void {
  const opened = shared.getStore();
  if (opened) closeShared(opened);
}

/**
 * Opens the database for the work at hand only, and always closes it (unless a
 * withSharedDatabases scope keeps it for the next use): no job keeps a handle (and so DuckDB's
 * process-wide file lock) while it waits on the network.
 */
export async function withDatabase<T>(
  dbPath: string,
  fn: (conn: DuckDBConnection) => Promise<T>,
  opts: OpenOptions = {},
): Promise<T> {
  const scope = shared.getStore();
  const held = scope?.get(dbPath);
  if (held && (held.readOnly === (opts.readOnly === true) || !held.readOnly)) {
    try {
      return await fn(held.conn);
    } catch (err) {
      // The handle may be what failed (an invalidated database): the next use opens afresh.
      scope!.delete(dbPath);
      held.conn.closeSync();
      held.instance.closeSync();
      throw err;
    }
  }
  if (held) {
    // Held read-only but wanted for writing: one process cannot open a file twice.
    scope!.delete(dbPath);
    held.conn.closeSync();
    held.instance.closeSync();
  }
  const log = opts.logger ?? silentLogger;
  if (!opts.readOnly) fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o750 });
  else if (!fs.existsSync(dbPath)) throw new StoreError(`database ${dbPath} does not exist (run init-db)`, dbPath);
  let holder: string | undefined;
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
        // Who holds it, for the operator (the runbook's own duckdb session left open is the usual one).
        if (attemptNumber === 1 || retriesLeft === 0) holder = describeHolders(dbPath) ?? holder;
        log.warn(
          { db: dbPath, attempt: attemptNumber, retriesLeft, holder },
          `database busy (held by ${holder ?? 'another process'}); retrying`,
        );
      },
    },
  ).catch((err: unknown) => {
    const why = isLockConflict(err) ? `another process holds it${holder ? `: ${holder}` : ''}` : plainOpenError(err);
    throw new StoreError(`cannot open database ${dbPath}: ${why}`, dbPath, { cause: err });
  });
  let conn: DuckDBConnection | undefined;
  let keep = false;
  try {
    conn = await instance.connect();
    // Timestamps are stored as UTC wall time in TIMESTAMP columns.
    await conn.run("SET TimeZone = 'UTC'");
    const out = await fn(conn);
    if (scope) {
      scope.set(dbPath, { instance, conn, readOnly: opts.readOnly === true });
      keep = true;
    }
    return out;
  } finally {
    if (!keep) {
      conn?.closeSync();
      instance.closeSync();
    }
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
export async function queryRows(
  conn: DuckDBConnection,
  sql: string,
  params?: DuckDBValue[],
): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS();
}

export async function queryValue<T = unknown>(
  conn: DuckDBConnection,
  sql: string,
  params?: DuckDBValue[],
): Promise<T | undefined> {
  const reader = await conn.runAndReadAll(sql, params);
  const rows = reader.getRowsJS();
  return rows[0]?.[0] as T | undefined;
}
