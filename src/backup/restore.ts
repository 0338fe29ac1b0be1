import fs from 'node:fs';
import type { DatabasePaths } from '../store/databases.js';
import { DataError, StoreError } from '../errors.js';
import { acquireJobLock, type JobLock } from '../lock/jobLock.js';
import type { Logger } from '../log/logger.js';
import { withDatabase } from '../store/duckdb.js';
import { diffSums, listTables, tableSums, type TableSums } from '../store/checksum.js';
import { crashPoint } from '../lib/crashPoint.js';
import { fsyncDir, fsyncFile } from '../fs/durable.js';
import { MANIFEST_TABLE } from './manifest.js';
import { backupTargets } from './names.js';
import { verifyBackupFile } from './verify.js';

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
  const locks: JobLock[] = [];
  try {
    for (const w of target.writers) locks.push(acquireJobLock(s.lockDir, w));
    const before: TableSums = fs.existsSync(target.path)
      ? await withDatabase(
          target.path,
          async (conn) => {
            if (!dryRun) await conn.run('CHECKPOINT');
            return tableSums(conn, await listTables(conn));
          },
          { logger: log, retries: 40, maxRetryMs: 1_000 },
        )
      : {};
    const changes = describeChanges(before, v.manifest.sums);
    if (dryRun) return { file, database: target.path, role: target.role, preRestore: null, changes, dryRun };

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
      const problems = diffSums(v.manifest.sums, prepared);
      if (problems.length)
        throw new StoreError(`prepared copy of ${file} differs from its manifest: ${problems.join('; ')}`, tmp);
      fsyncFile(tmp);
      crashPoint('restore:after-prepare');

      const stamp = new Date()
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      let preRestore: string | null = null;
      if (fs.existsSync(target.path)) {
        preRestore = `${target.path}.pre-restore-${stamp}`;
        fs.linkSync(target.path, preRestore);
        // A WAL belongs to the file it was written for: it must never be replayed onto the restored one.
        if (fs.existsSync(`${target.path}.wal`)) fs.renameSync(`${target.path}.wal`, `${preRestore}.wal`);
      }
      crashPoint('restore:after-keep-old');
      fs.renameSync(tmp, target.path);
      fsyncDir(fs.realpathSync(target.path + '/..'));
      log.info({ db: target.path, from: file, preRestore, changes }, `Database restored: ${target.path} from ${file}`);
      return { file, database: target.path, role: target.role, preRestore, changes, dryRun };
    } finally {
      fs.rmSync(tmp, { force: true });
      fs.rmSync(`${tmp}.wal`, { force: true });
    }
  } finally {
    for (const l of locks.reverse()) l.release();
  }
}

function describeChanges(before: TableSums, after: TableSums): TableChange[] {
  const tables = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return tables.map((t) => ({ table: t, before: before[t]?.rows ?? null, after: after[t]?.rows ?? null }));
}
