import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { relationSum, rowHashSql, tableColumns } from '../store/checksum.js';
import { ident } from '../store/sqlText.js';
import { crashPoint } from '../lib/crashPoint.js';
import { fsyncDir, fsyncFile, publishNoClobber } from '../fs/durable.js';
import { StoreError } from '../errors.js';
import { inTransaction, queryRows, queryValue, type DuckDBConnection } from '../store/duckdb.js';
import { partFiles, readParquetSql } from './files.js';
import { cutoffSql } from './plan.js';
import { monthDir, tempDir, type ArchiveTable } from './tables.js';

export interface MonthResult {
  db: string;
  table: string;
  month: string;
  /** Rows written to a new part file by this run. */
  archived: number;
  /** Rows deleted from the database (new ones plus any a crashed run had archived but not deleted). */
  deleted: number;
  /** Rows whose key is archived with different content: left in the database, reported. */
  conflicts: number;
  file: string | null;
}

/**
 * Moves one (table, month) out of the database so that a crash at any point ends with every row
 * in exactly one place once the job runs again:
 *
 *  1. select the old rows of the month that are NOT already in a part file (by key), into a temp table;
 *  2. COPY them to a temp Parquet file outside the partition tree, fsync it;
 *  3. read it back: same column types, same count, same checksum as the selection — else abort;
 *  4. name it `<db>-<count>-<checksum>.parquet` in the partition (no-clobber), fsync the directory;
 *  5. in ONE transaction delete exactly the rows whose key AND content are in a part file, and
 *     check that none of them is left.
 *
 * Crash before 4: the temp file is discarded, the rows are still in the database. Crash between 4
 * and 5's commit: the rows are in a verified part AND the database; the re-run's step 1 skips them
 * (no duplicate) and its step 5 deletes them. The caller holds the database for the whole unit,
 * so no other process writes between the steps.
 */
export async function moveMonth(
  conn: DuckDBConnection,
  t: ArchiveTable,
  month: string,
  cutoff: Date,
  archiveDir: string,
): Promise<MonthResult> {
  const cols = await tableColumns(conn, t.table);
  if (cols.length === 0) throw new StoreError(`table ${t.table} does not exist in the ${t.db} database (run init-db)`);
  const T = ident(t.table);
  const K = ident(t.key);
  const inMonth = (alias: string) =>
    `${alias}.${ident(t.timeCol)} < ${sqlTs(cutoff)} AND strftime(${alias}.${ident(t.timeCol)}, '%Y-%m') = '${month}'`;
  const existing = partFiles(archiveDir, t, month);
  const archived = existing.length
    ? `(SELECT ${K} AS k, ${rowHashSql(cols)} AS h FROM ${readParquetSql(existing)})`
    : `(SELECT NULL::VARCHAR AS k, NULL::UBIGINT AS h WHERE false)`;

  await conn.run('DROP TABLE IF EXISTS temp.archive_sel');
  await conn.run(
    `CREATE TEMP TABLE archive_sel AS SELECT ${cols.map(ident).join(', ')} FROM ${T} s
     WHERE ${inMonth('s')} AND s.${K}::VARCHAR NOT IN (SELECT k::VARCHAR FROM ${archived} WHERE k IS NOT NULL)`,
  );
  const conflicts = Number(
    await queryValue(
      conn,
      `SELECT count(*) FROM ${T} s JOIN ${archived} a ON s.${K}::VARCHAR = a.k::VARCHAR
       WHERE ${inMonth('s')} AND ${rowHashSql(cols, 's')} <> a.h`,
    ),
  );
  const sel = await relationSum(conn, 'temp.archive_sel', cols);
  crashPoint('archive:after-select');

  let file: string | null = null;
  if (sel.rows > 0) file = await writeVerifiedPart(conn, t, month, cols, sel, archiveDir);

  // Step 5: the delete, against every verified part of this month (including ones from a crashed run).
  const parts = partFiles(archiveDir, t, month);
  let deleted = 0;
  if (parts.length) {
    const matchSql = `SELECT s.${K} FROM ${T} s JOIN (SELECT ${K} AS k, ${rowHashSql(cols)} AS h FROM ${readParquetSql(parts)}) a
       ON s.${K} = a.k AND ${rowHashSql(cols, 's')} = a.h WHERE ${inMonth('s')}`;
    deleted = await inTransaction(conn, async () => {
      const want = Number(await queryValue(conn, `SELECT count(*) FROM (${matchSql})`));
      await conn.run(`DELETE FROM ${T} WHERE ${K} IN (${matchSql})`);
      const left = Number(await queryValue(conn, `SELECT count(*) FROM (${matchSql})`));
      if (left !== 0)
        throw new StoreError(`archive of ${t.table} ${month}: ${left} archived rows still present after delete`);
      crashPoint('archive:before-commit');
      return want;
    });
    crashPoint('archive:after-commit');
  }
  await conn.run('DROP TABLE IF EXISTS temp.archive_sel');
  return { db: t.db, table: t.table, month, archived: file ? sel.rows : 0, deleted, conflicts, file };
}

async function writeVerifiedPart(
  conn: DuckDBConnection,
  t: ArchiveTable,
  month: string,
  cols: string[],
  sel: { rows: number; checksum: string },
  archiveDir: string,
): Promise<string> {
  const tmpDir = tempDir(archiveDir);
  fs.mkdirSync(tmpDir, { recursive: true, mode: 0o750 });
  const tmp = path.join(tmpDir, `${t.db}-${t.table}-${month}-${process.pid}-${randomBytes(4).toString('hex')}.parquet`);
  try {
    await conn.run(`COPY temp.archive_sel TO '${tmp.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
    fsyncFile(tmp);
    crashPoint('archive:after-write');
    const back = await relationSum(conn, readParquetSql([tmp]), cols);
    const want = await columnTypes(conn, 'temp.archive_sel');
    const got = await columnTypes(conn, readParquetSql([tmp]));
    if (want !== got)
      throw new StoreError(
        `archive of ${t.table} ${month}: Parquet column types ${got} differ from the table's ${want}`,
        tmp,
      );
    if (back.rows !== sel.rows || back.checksum !== sel.checksum) {
      throw new StoreError(
        `archive of ${t.table} ${month}: read back ${back.rows} rows (checksum ${back.checksum}), selected ${sel.rows} (checksum ${sel.checksum})`,
        tmp,
      );
    }
    crashPoint('archive:after-readback');
    const dir = monthDir(archiveDir, t.table, month);
    fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
    const base = `${t.db}-${sel.rows}-${BigInt(sel.checksum).toString(16).slice(-16)}`;
    for (let n = 0; n < 100; n++) {
      const final = path.join(dir, n === 0 ? `${base}.parquet` : `${base}-${n}.parquet`);
      if (publishNoClobber(tmp, final)) {
        fsyncDir(path.dirname(dir));
        crashPoint('archive:after-publish');
        return final;
      }
    }
    throw new StoreError(`no free part name for ${base} in ${dir}`, dir);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

async function columnTypes(conn: DuckDBConnection, relation: string): Promise<string> {
  const rows = await queryRows(conn, `DESCRIBE SELECT * FROM ${relation}`);
  return rows.map((r) => `${String(r.column_name)}:${String(r.column_type)}`).join(',');
}

const sqlTs = (d: Date) => `TIMESTAMP '${cutoffSql(d)}'`;
