import fs from 'node:fs';
import path from 'node:path';
import type { DatabasePaths } from '../store/databases.js';
import type { Logger } from '../log/logger.js';
import type { DbRole } from './names.js';
import { readRecords } from './records.js';
import { scanBackups } from './retention.js';

export interface ListedBackup {
  file: string;
  role: DbRole;
  date: string;
  sizeBytes: number;
  /** From the `backups` record; null when the file has no record (run `--verify FILE`). */
  verified: boolean | null;
  takenAt: string | null;
  rowCounts: Record<string, number> | null;
}

/** Our backups, newest first, with what the `backups` table says about each. Reads only. */
export async function listBackups(
  s: Pick<DatabasePaths, 'duckdbPath'> & { readonly backupDir: string },
  log: Logger,
): Promise<ListedBackup[]> {
  const records = await readRecords(s, log);
  return scanBackups(s.backupDir).map((b) => {
    const file = path.join(s.backupDir, b.file);
    const rec = records.get(file);
    return {
      file,
      role: b.role,
      date: b.date,
      sizeBytes: fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0,
      verified: rec ? rec.verified : null,
      takenAt: rec?.takenAt ?? null,
      rowCounts: rec ? Object.fromEntries(Object.entries(rec.sums).map(([t, v]) => [t, v.rows])) : null,
    };
  });
}

export function formatList(items: ListedBackup[]): string[] {
  if (items.length === 0) return ['No backups.'];
  return items.map((b) => {
    const verified = b.verified === null ? 'unrecorded' : b.verified ? 'verified' : 'NOT VERIFIED';
    const counts = b.rowCounts
      ? Object.entries(b.rowCounts)
          .map(([t, n]) => `${t}=${n}`)
          .join(' ')
      : '-';
    return `${b.date}  ${(b.sizeBytes / 1_048_576).toFixed(2).padStart(9)} MB  ${verified.padEnd(12)}  ${path.basename(b.file)}  ${counts}`;
  });
}
