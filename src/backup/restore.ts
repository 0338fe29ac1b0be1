import fs from 'node:fs';
import path from 'node:path';
import type { DatabasePaths } from '../store/databases.js';
import { DataError, StoreError } from '../errors.js';
import { acquireJobLock, type JobLock } from '../lock/jobLock.js';
import type { Logger } from '../log/logger.js';
import { isLockConflict, withDatabase } from '../store/duckdb.js';
import { diffSums, listTables, tableSums, type TableSums } from '../store/checksum.js';
import { crashPoint } from '../lib/crashPoint.js';
import { fsyncDir, fsyncFile } from '../fs/durable.js';
import { MANIFEST_TABLE } from './manifest.js';
import { inspectInChild } from './inspectChild.js';
import { backupTargets, type DbTarget } from './names.js';
import { verifyBackupFile, type VerifyResult } from './verify.js';

export interface TableChange {
  table: string;
  before: number | null;
  after: number | null;
}

export interface RestoreResult {
  file: string;
  database: string;
  role: string;
  preRestore: string | null;
  /** The live file did not open (not a DuckDB file, damaged): moved here, never deleted. */
  corruptMovedTo: string | null;
  changes: TableChange[];
  dryRun: boolean;
}

/**
 * Puts a backup back in place of the live database:
 *  1. verify the backup (a bad one is refused before anything is touched);
 *  2. take the locks of every job that writes that database (exit 4 while one runs);
 *  3. checkpoint the live database and count its rows (the "before");
 *  4. copy the backup beside the live file, drop its manifest, checkpoint, verify again, fsync;
 *  5. keep the live file as `<db>.pre-restore-<timestamp>` (a hard link: no copy, no gap), then
 *     rename the prepared file over the live name — one atomic step; a crash before it leaves
 *     the old database in place, a crash after it leaves the restored one.
 */
export async function restoreBackup(
  file: string,
  s: DatabasePaths & { readonly lockDir: string },
  log: Logger,
  dryRun: boolean,
): Promise<RestoreResult> {
  const v = await verifyBackupFile(file);
  if (!v.ok || !v.manifest)
    throw new DataError(`refusing to restore ${file}: it fails verification (${v.problems.join('; ')})`);
  const target = backupTargets(s).find((t) => t.role === v.manifest!.role)!;
  const locks = lockWriters(s.lockDir, [target]);
  try {
    return await restoreInto(file, v, target, await inspectLive(target.path), log, dryRun);
  } finally {
    for (const l of locks.reverse()) l.release();
  }
}

/** Takes the locks of every job that writes one of `targets` (exit 4 while one runs). */
export function lockWriters(lockDir: string, targets: DbTarget[]): JobLock[] {
  const locks: JobLock[] = [];
  try {
    for (const w of new Set(targets.flatMap((t) => t.writers))) locks.push(acquireJobLock(lockDir, w));
  } catch (err) {
    for (const l of locks.reverse()) l.release();
    throw err;
  }
  return locks;
}

/** What the live database file is: absent, a database that opens, or a file DuckDB cannot read. */
export type LiveState = { kind: 'missing' } | { kind: 'ok' } | { kind: 'broken'; why: string };

/**
 * Reads the live file read-only in a child process (a damaged file may crash DuckDB natively, see
 * inspectChild.ts). Another process holding it, or a permission problem, is an error to report —
 * the file may be fine, and must not be moved aside.
 */
export async function inspectLive(dbPath: string): Promise<LiveState> {
  if (!fs.existsSync(dbPath)) return { kind: 'missing' };
  try {
    fs.accessSync(dbPath, fs.constants.R_OK | fs.constants.W_OK);
  } catch (err) {
    throw new StoreError(`${dbPath}: ${(err as NodeJS.ErrnoException).code}: fix its owner or mode first`, dbPath);
  }
  try {
    await inspectInChild(dbPath);
    return { kind: 'ok' };
  } catch (err) {
    if (isLockConflict(err))
      throw new StoreError(`${dbPath} is held by another process (a duckdb session?): close it first`, dbPath);
    return { kind: 'broken', why: (err as Error).message };
  }
}

const stampNow = () =>
  new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/**
 * Restores the verified backup `file` over `target` (its writers' locks held by the caller):
 *  1. count the live database's rows (the "before"), checkpointing it — unless it does not open;
 *  2. copy the backup beside the live file, drop its manifest, checkpoint, verify again, fsync;
 *  3. keep the live file as `<db>.pre-restore-<timestamp>` (a hard link: no copy, no gap) — or, when
 *     it does not open, move it to `<db>.corrupt-<timestamp>` — then rename the prepared file over
 *     the live name: one atomic step; a crash before it leaves the old file, after it the restored one.
 */
export async function restoreInto(
  file: string,
  v: VerifyResult,
  target: DbTarget,
  live: LiveState,
  log: Logger,
  dryRun: boolean,
): Promise<RestoreResult> {
  const sums = v.manifest!.sums;
  const before: TableSums | null =
    live.kind === 'ok'
      ? await withDatabase(
          target.path,
          async (conn) => {
            if (!dryRun) await conn.run('CHECKPOINT');
            return tableSums(conn, await listTables(conn));
          },
          { logger: log, retries: 40, maxRetryMs: 1_000 },
        )
      : live.kind === 'missing'
        ? {}
        : null;
  const changes = describeChanges(before ?? {}, sums);
  const base = { file, database: target.path, role: target.role, changes, dryRun };
  if (dryRun) return { ...base, preRestore: null, corruptMovedTo: null };

  const tmp = `${target.path}.restore-tmp-${process.pid}`;
  try {
    fs.copyFileSync(file, tmp);
    await withDatabase(tmp, async (conn) => {
      await conn.run(`DROP TABLE ${MANIFEST_TABLE}`);
      await conn.run('CHECKPOINT');
    });
    const prepared = await withDatabase(tmp, async (conn) => tableSums(conn, await listTables(conn)), {
      readOnly: true,
      retries: 0,
    });
    const problems = diffSums(sums, prepared);
    if (problems.length)
      throw new StoreError(`prepared copy of ${file} differs from its manifest: ${problems.join('; ')}`, tmp);
    fsyncFile(tmp);
    crashPoint('restore:after-prepare');

    const stamp = stampNow();
    let preRestore: string | null = null;
    let corruptMovedTo: string | null = null;
    if (live.kind === 'ok') {
      preRestore = `${target.path}.pre-restore-${stamp}`;
      fs.linkSync(target.path, preRestore);
      // A WAL belongs to the file it was written for: it must never be replayed onto the restored one.
      if (fs.existsSync(`${target.path}.wal`)) fs.renameSync(`${target.path}.wal`, `${preRestore}.wal`);
    } else if (live.kind === 'broken') {
      corruptMovedTo = moveAside(target.path, stamp);
      log.warn({ db: target.path, movedTo: corruptMovedTo, why: live.why }, `${target.path} did not open; moved aside`);
    }
    crashPoint('restore:after-keep-old');
    fs.renameSync(tmp, target.path);
    fsyncDir(fs.realpathSync(target.path + '/..'));
    log.info({ db: target.path, from: file, preRestore, changes }, `Database restored: ${target.path} from ${file}`);
    return { ...base, preRestore, corruptMovedTo };
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(`${tmp}.wal`, { force: true });
  }
}

/** Renames a database that does not open (and its WAL) to `<db>.corrupt-<stamp>`; returns the new name. */
export function moveAside(dbPath: string, stamp = stampNow()): string {
  const to = `${dbPath}.corrupt-${stamp}`;
  fs.renameSync(dbPath, to);
  if (fs.existsSync(`${dbPath}.wal`)) fs.renameSync(`${dbPath}.wal`, `${to}.wal`);
  fsyncDir(path.dirname(dbPath));
  return to;
}

function describeChanges(before: TableSums, after: TableSums): TableChange[] {
  const tables = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return tables.map((t) => ({ table: t, before: before[t]?.rows ?? null, after: after[t]?.rows ?? null }));
}
