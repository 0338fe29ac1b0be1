import fs from 'node:fs';
import type { Logger } from '../log/logger.js';
import { withPriceDb, type DatabasePaths } from '../store/databases.js';
import { queryRows, withDatabase } from '../store/duckdb.js';
import type { TableSums } from '../store/checksum.js';

/**
 * The `backups` table (price database) records each backup. It is a record, not the truth: the
 * files and their embedded manifests are. A run killed between naming a file and writing its row
 * leaves an unrecorded but good file, which `--list` shows as such and retention still verifies.
 * The price database's own backup is taken before its row is written, so it never contains it.
 */
export interface BackupRecord {
  path: string;
  dbName: string;
  sourcePath: string;
  takenAt: string;
  verified: boolean;
  sizeBytes: number;
  sums: TableSums;
  runId: string;
}

export async function recordBackups(
  s: Pick<DatabasePaths, 'duckdbPath'>,
  recs: BackupRecord[],
  log: Logger,
): Promise<void> {
  if (recs.length === 0) return;
  await withPriceDb(
    s,
    async (conn) => {
      for (const r of recs) {
        const counts = Object.fromEntries(Object.entries(r.sums).map(([t, v]) => [t, v.rows]));
        const sums = Object.fromEntries(Object.entries(r.sums).map(([t, v]) => [t, v.checksum]));
        await conn.run(
          `INSERT OR REPLACE INTO backups (path, db_name, source_path, taken_at, verified, size_bytes, row_counts, checksums, run_id)
           VALUES ($1, $2, $3, $4::TIMESTAMP, $5, $6, $7, $8, $9)`,
          [
            r.path,
            r.dbName,
            r.sourcePath,
            r.takenAt,
            r.verified,
            r.sizeBytes,
            JSON.stringify(counts),
            JSON.stringify(sums),
            r.runId,
          ],
        );
      }
    },
    { logger: log, retries: 40, maxRetryMs: 1_000 },
  );
}

export async function readRecords(
  s: Pick<DatabasePaths, 'duckdbPath'>,
  log: Logger,
): Promise<Map<string, BackupRecord>> {
  const out = new Map<string, BackupRecord>();
  if (!fs.existsSync(s.duckdbPath)) return out;
  const rows = await withDatabase(
    s.duckdbPath,
    async (conn) => {
      const has = await queryRows(
        conn,
        "SELECT 1 FROM duckdb_tables() WHERE table_name = 'backups' AND database_name = current_database()",
      );
      return has.length
        ? queryRows(conn, "SELECT *, strftime(taken_at, '%Y-%m-%dT%H:%M:%SZ') AS taken FROM backups")
        : [];
    },
    { readOnly: true, logger: log, retries: 40, maxRetryMs: 1_000 },
  );
  for (const r of rows) {
    const counts = JSON.parse(String(r.row_counts)) as Record<string, number>;
    const sums = JSON.parse(String(r.checksums)) as Record<string, string>;
    out.set(String(r.path), {
      path: String(r.path),
      dbName: String(r.db_name),
      sourcePath: String(r.source_path),
      takenAt: String(r.taken),
      verified: r.verified === true,
      sizeBytes: Number(r.size_bytes),
      sums: Object.fromEntries(Object.keys(counts).map((t) => [t, { rows: counts[t]!, checksum: sums[t] ?? '' }])),
      runId: String(r.run_id),
    });
  }
  return out;
}

export async function forgetBackups(s: Pick<DatabasePaths, 'duckdbPath'>, paths: string[], log: Logger): Promise<void> {
  if (paths.length === 0 || !fs.existsSync(s.duckdbPath)) return;
  await withPriceDb(
    s,
    async (conn) => {
      for (const p of paths) await conn.run('DELETE FROM backups WHERE path = $1', [p]);
    },
    { logger: log, retries: 40, maxRetryMs: 1_000 },
  );
}
