import type { DatabasePaths } from '../store/databases.js';

/** The databases a backup covers. The stem names the backup file whatever DUCKDB_PATH says. */
export type DbRole = 'price' | 'whale' | 'fallback';

export interface DbTarget {
  role: DbRole;
  stem: string;
  path: string;
  /** Jobs that write this database: a restore takes their locks. */
  writers: string[];
  /** A missing price database is an error; the others may simply not exist yet. */
  required: boolean;
}

export function backupTargets(s: DatabasePaths): DbTarget[] {
  return [
    {
      role: 'price',
      stem: 'utxoracle_cache',
      path: s.duckdbPath,
      writers: ['analyze', 'archive', 'init-db'],
      required: true,
    },
    {
      role: 'whale',
      stem: 'mempool_predictions',
      path: s.whaleDbPath,
      writers: ['whale-watch', 'archive', 'init-db'],
      required: false,
    },
    {
      role: 'fallback',
      stem: 'utxoracle_fallback',
      path: s.duckdbBackupPath,
      writers: ['analyze', 'init-db'],
      required: false,
    },
  ];
}

const STEMS: Record<string, DbRole> = {
  utxoracle_cache: 'price',
  mempool_predictions: 'whale',
  utxoracle_fallback: 'fallback',
};

// <stem>_YYYY-MM-DD.db, or <stem>_YYYY-MM-DD-HHMMSS[-N].db for a second backup the same day.
const NAME_RE =
  /^(utxoracle_cache|mempool_predictions|utxoracle_fallback)_(\d{4}-\d{2}-\d{2})(?:-(\d{6})(?:-(\d{1,3}))?)?\.db$/;

export interface BackupName {
  file: string;
  role: DbRole;
  date: string;
  /** Sort key: date, time of day, sequence. Later backups sort higher. */
  order: string;
}

/** Parses one of our backup names; anything else (foreign files, temp files) is null. */
export function parseBackupName(file: string): BackupName | null {
  const m = NAME_RE.exec(file);
  if (!m) return null;
  const d = new Date(`${m[2]}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[2]) return null;
  return {
    file,
    role: STEMS[m[1]!]!,
    date: m[2],
    order: `${m[2]}-${m[3] ?? '000000'}-${(m[4] ?? '0').padStart(3, '0')}`,
  };
}

/** Candidate names for a backup taken at `at`, in the order to try them. */
export function backupNames(stem: string, at: Date): string[] {
  const iso = at.toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19).replaceAll(':', '');
  const names = [`${stem}_${date}.db`, `${stem}_${date}-${time}.db`];
  for (let n = 2; n <= 99; n++) names.push(`${stem}_${date}-${time}-${n}.db`);
  return names;
}

/** Temp files of a backup in progress; a crashed run leaves them, the next run removes them. */
export const TMP_PREFIX = '.tmp-backup-';
export const isBackupTemp = (file: string): boolean => file.startsWith(TMP_PREFIX);
