import fs from 'node:fs';
import path from 'node:path';
import { sqlString } from '../store/sqlText.js';
import type { Logger } from '../log/logger.js';
import { monthDir, tempDir, type ArchiveTable } from './tables.js';

/** The finished part files of one (database, table, month). Only a verified file gets this name. */
export function partFiles(archiveDir: string, t: ArchiveTable, month: string): string[] {
  const dir = monthDir(archiveDir, t.table, month);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${t.db}-`) && f.endsWith('.parquet'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The months present in the archive for a table (from the directory names). */
export function archivedMonths(archiveDir: string, t: ArchiveTable): string[] {
  const dir = path.join(archiveDir, `table=${t.table}`);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((d) => d.startsWith('month='))
    .map((d) => d.slice('month='.length))
    .sort();
}

/** `read_parquet([...])` over the given files, with the partition columns left out. */
export function readParquetSql(files: string[]): string {
  return `read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false)`;
}

/** Temp Parquet files of an interrupted run: never named as parts, so safe to remove (we hold the lock). */
export function removeStaleTemps(archiveDir: string, log: Logger): string[] {
  const dir = tempDir(archiveDir);
  if (!fs.existsSync(dir)) return [];
  const stale = fs.readdirSync(dir);
  for (const f of stale) fs.rmSync(path.join(dir, f), { force: true });
  if (stale.length) log.warn({ files: stale }, 'removed temp files of an interrupted archive run');
  return stale;
}
