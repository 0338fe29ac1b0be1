import { inTransaction, queryValue, withDatabase } from '../store/duckdb.js';
import type { Logger } from '../log/logger.js';
import { listTables, tableSums } from '../store/checksum.js';
import { ident, sqlString } from '../store/sqlText.js';
import { crashPoint } from '../lib/crashPoint.js';
import { MANIFEST_TABLE, writeManifest, type Manifest } from './manifest.js';
import type { DbTarget } from './names.js';

const BK = '__backup_copy';

/**
 * A consistent copy of a live database, through DuckDB (never a byte copy of a live file, which
 * could tear a page or miss the WAL):
 *
 *  1. open the source (retrying while another job holds it: DuckDB allows one process per file,
 *     and the writers hold it only for their short transactions, so we slip in between);
 *  2. CHECKPOINT, so the WAL is folded in and the copy starts from a clean file;
 *  3. ATTACH a new file and, in ONE transaction, compute each table's count and checksum and
 *     `COPY FROM DATABASE` (tables, constraints, indexes, data) — the manifest is therefore the
 *     source's state at copy time, and since our process holds the file, nobody writes between;
 *  4. write the manifest into the copy, CHECKPOINT and DETACH it (no WAL left beside it).
 */
export async function snapshotDatabase(
  target: DbTarget,
  tmpPath: string,
  logger: Logger,
  dryRun = false,
): Promise<Manifest> {
  return withDatabase(
    target.path,
    async (conn) => {
      const catalog = String(await queryValue(conn, 'SELECT current_database()'));
      const duckdbVersion = String(await queryValue(conn, 'SELECT version()'));
      const takenAt = new Date().toISOString();
      if (dryRun) {
        const tables = (await listTables(conn)).filter((t) => t !== MANIFEST_TABLE);
        return {
          role: target.role,
          sourcePath: target.path,
          takenAt,
          duckdbVersion,
          sums: await tableSums(conn, tables),
        };
      }
      await conn.run('CHECKPOINT');
      crashPoint('backup:after-checkpoint');
      await conn.run(`ATTACH ${sqlString(tmpPath)} AS ${BK}`);
      try {
        const manifest = await inTransaction(conn, async () => {
          const tables = (await listTables(conn)).filter((t) => t !== MANIFEST_TABLE);
          const sums = await tableSums(conn, tables);
          await conn.run(`COPY FROM DATABASE ${ident(catalog)} TO ${BK}`);
          crashPoint('backup:after-copy');
          const m: Manifest = { role: target.role, sourcePath: target.path, takenAt, duckdbVersion, sums };
          await writeManifest(conn, BK, m);
          return m;
        });
        crashPoint('backup:after-commit');
        await conn.run(`CHECKPOINT ${BK}`);
        return manifest;
      } finally {
        await conn.run(`DETACH ${BK}`).catch(() => undefined);
      }
    },
    { logger, retries: 40, maxRetryMs: 1_000 },
  );
}
