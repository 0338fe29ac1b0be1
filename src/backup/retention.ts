import fs from 'node:fs';
import path from 'node:path';
import { parseBackupName, type BackupName, type DbRole } from './names.js';

/** Our backups in a directory (foreign files and temp files are never listed, so never touched). */
export function scanBackups(dir: string): BackupName[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map(parseBackupName)
    .filter((b): b is BackupName => b !== null)
    .sort((a, b) => (a.order < b.order ? 1 : a.order > b.order ? -1 : 0));
}

/** The newest backup of `role` that passes `isGood`, trying newest first. */
export async function newestGood(
  backups: BackupName[],
  role: DbRole,
  isGood: (b: BackupName) => Promise<boolean>,
): Promise<BackupName | undefined> {
  for (const b of backups.filter((x) => x.role === role)) if (await isGood(b)) return b;
  return undefined;
}

/**
 * Which backups to delete: those dated before `now - days`, except the keepers (the newest
 * verified backup of each database, so that even when every backup is old, one good one stays).
 */
export function planRetention(backups: BackupName[], keep: Set<string>, now: Date, days: number): BackupName[] {
  const cutoff = retentionCutoff(now, days);
  return backups.filter((b) => b.date < cutoff && !keep.has(b.file));
}

/** The first date (YYYY-MM-DD, UTC) BACKUP_RETENTION_DAYS keeps: anything dated before it may go. */
export function retentionCutoff(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

export function removeBackup(dir: string, b: BackupName): void {
  fs.rmSync(path.join(dir, b.file), { force: true });
}
