import fs from 'node:fs';
import { plainOpenError } from '../store/duckdb.js';
import { diffSums, type TableSums } from '../store/checksum.js';
import { inspectInChild } from './inspectChild.js';
import { MANIFEST_TABLE, type Manifest } from './manifest.js';

export interface VerifyResult {
  file: string;
  ok: boolean;
  problems: string[];
  sizeBytes: number;
  manifest?: Manifest;
  /** What the file holds now, per table. */
  actual?: TableSums;
}

/**
 * A backup is good when it opens read-only, holds exactly the tables its manifest lists, and each
 * table's row count and checksum equal the manifest's (the source's at copy time). Reading every
 * row also makes DuckDB check every block's checksum, so a flipped bit fails here. The reading
 * happens in a child process (see inspectChild.ts). `expected` (e.g. the `backups` row) is
 * compared too when given.
 */
export async function verifyBackupFile(file: string, expected?: TableSums): Promise<VerifyResult> {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) return { file, ok: false, problems: ['file does not exist'], sizeBytes: 0 };
  const problems: string[] = [];
  // A finished backup is checkpointed and detached; a WAL beside it means it was never finished.
  if (fs.existsSync(`${file}.wal`)) problems.push(`${file}.wal exists: the copy was never finished`);
  try {
    const seen = await inspectInChild(file);
    const manifest = toManifest(seen.manifest);
    if (!manifest) {
      problems.push(`not a backup made by this tool (no valid ${MANIFEST_TABLE} table)`);
      return { file, ok: false, problems, sizeBytes: st.size, actual: seen.tables };
    }
    problems.push(...diffSums(manifest.sums, seen.tables));
    if (expected) problems.push(...diffSums(expected, manifest.sums).map((p) => `against the backups record: ${p}`));
    return { file, ok: problems.length === 0, problems, sizeBytes: st.size, manifest, actual: seen.tables };
  } catch (err) {
    problems.push(`cannot read: ${plainOpenError(err)}`);
    return { file, ok: false, problems, sizeBytes: st.size };
  }
}

function toManifest(rows: Record<string, unknown>[] | null): Manifest | null {
  if (!rows || rows.length === 0) return null;
  const first = rows[0]!;
  const role = String(first.db_role);
  if (role !== 'price' && role !== 'whale' && role !== 'fallback') return null;
  const sums: TableSums = {};
  for (const r of rows)
    if (Number(r.row_count) >= 0)
      sums[String(r.table_name)] = { rows: Number(r.row_count), checksum: String(r.checksum) };
  return {
    role,
    sourcePath: String(first.source_path),
    takenAt: String(first.taken_at),
    duckdbVersion: String(first.duckdb_version),
    sums,
  };
}
