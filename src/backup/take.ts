import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { TableSums } from '../store/checksum.js';
import { crashPoint } from '../lib/crashPoint.js';
import { fsyncFile, publishNoClobber } from '../fs/durable.js';
import { backupNames, TMP_PREFIX, type DbTarget } from './names.js';
import { snapshotDatabase } from './snapshot.js';
import { verifyBackupFile } from './verify.js';

export interface TakenBackup {
  role: string;
  source: string;
  /** Final path; for a dry run, the name it would get. */
  file: string;
  sizeBytes: number;
  takenAt: string;
  sums: TableSums;
  dryRun: boolean;
}

/**
 * One database: snapshot into a temp name in the backup directory, verify it, fsync it, then name
 * it. Only a verified file ever gets a good name. A second backup the same day never replaces the
 * first: it gets `<stem>_<date>-<HHMMSS>.db` (link() refuses to overwrite, see publishNoClobber).
 */
export async function takeBackup(
  target: DbTarget,
  backupDir: string,
  log: Logger,
  dryRun: boolean,
): Promise<TakenBackup> {
  fs.mkdirSync(backupDir, { recursive: true, mode: 0o750 });
  const tmp = path.join(backupDir, `${TMP_PREFIX}${target.stem}-${process.pid}-${randomBytes(4).toString('hex')}.db`);
  try {
    const manifest = await snapshotDatabase(target, tmp, log, dryRun);
    const names = backupNames(target.stem, new Date(manifest.takenAt));
    if (dryRun) {
      const free = names.find((n) => !fs.existsSync(path.join(backupDir, n))) ?? names[0]!;
      return {
        role: target.role,
        source: target.path,
        file: path.join(backupDir, free),
        sizeBytes: 0,
        takenAt: manifest.takenAt,
        sums: manifest.sums,
        dryRun,
      };
    }
    const v = await verifyBackupFile(tmp, manifest.sums);
    if (!v.ok) throw new StoreError(`backup of ${target.path} failed verification: ${v.problems.join('; ')}`, tmp);
    crashPoint('backup:after-verify');
    fsyncFile(tmp);
    let final: string | undefined;
    for (const n of names) {
      if (publishNoClobber(tmp, path.join(backupDir, n))) {
        final = path.join(backupDir, n);
        break;
      }
    }
    if (!final) throw new StoreError(`no free backup name for ${target.stem} in ${backupDir}`, backupDir);
    crashPoint('backup:after-publish');
    log.info({ db: target.path, backup: final, tables: manifest.sums }, `Backup written: ${final}`);
    return {
      role: target.role,
      source: target.path,
      file: final,
      sizeBytes: v.sizeBytes,
      takenAt: manifest.takenAt,
      sums: manifest.sums,
      dryRun,
    };
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(`${tmp}.wal`, { force: true });
  }
}

/** Temp files left by a run that was killed; safe to remove because we hold the backup lock. */
export function removeStaleTemps(backupDir: string, log: Logger): string[] {
  if (!fs.existsSync(backupDir)) return [];
  const stale = fs.readdirSync(backupDir).filter((f) => f.startsWith(TMP_PREFIX));
  for (const f of stale) fs.rmSync(path.join(backupDir, f), { force: true });
  if (stale.length) log.warn({ files: stale }, 'removed temp files of an interrupted backup');
  return stale;
}
