import fs from 'node:fs';
import path from 'node:path';
import { rowHashSql, tableColumns } from '../store/checksum.js';
import { ident } from '../store/sqlText.js';
import { crashPoint } from '../lib/crashPoint.js';
import { fsyncDir } from '../fs/durable.js';
import { StoreError } from '../errors.js';
import { inTransaction, queryRows, queryValue, type DuckDBConnection } from '../store/duckdb.js';
import { WHALE_GUIDE_BACKFILL } from '../store/schema/whaleDb.js';
import { partFiles, readParquetSql } from './files.js';
import type { ArchiveTable } from './tables.js';

export interface RestoreMonthResult {
  db: string;
  table: string;
  month: string;
  files: number;
  archivedRows: number;
  inserted: number;
  /** Archived rows whose key is in the database with different content: the files are kept. */
  conflicts: number;
}

/**
 * `archive --restore MONTH`: puts a month's archived rows back into their database, then removes
 * the part files. Rows whose key is already in the database are not inserted twice. Insert first
 * (one transaction, checked), delete the files after: a crash between leaves the rows in both
 * places, and either a re-run of the restore (inserts nothing, removes the files) or the next
 * archive run (deletes the rows that match an archive) brings every row back to one place.
 */
export async function restoreMonth(
  conn: DuckDBConnection,
  t: ArchiveTable,
  month: string,
  archiveDir: string,
  dryRun: boolean,
): Promise<RestoreMonthResult> {
  const files = partFiles(archiveDir, t, month);
  const base = { db: t.db, table: t.table, month, files: files.length };
  if (files.length === 0) return { ...base, archivedRows: 0, inserted: 0, conflicts: 0 };
  const K = ident(t.key);
  const src = readParquetSql(files);
  // Archives written before a column was added lack it: the columns both have are put back, the
  // whale guide's copies of ours filled afterwards (schema/whaleDb.ts), the rest left NULL.
  const archived = new Set((await queryRows(conn, `DESCRIBE SELECT * FROM ${src}`)).map((r) => String(r.column_name)));
  const colNames = (await tableColumns(conn, t.table)).filter((c) => archived.has(c));
  const cols = colNames.map(ident).join(', ');
  const archivedRows = Number(await queryValue(conn, `SELECT count(*) FROM ${src}`));
  const missing = `SELECT ${cols} FROM ${src} a WHERE a.${K} NOT IN (SELECT ${K} FROM ${ident(t.table)})`;
  const conflicts = Number(
    await queryValue(
      conn,
      `SELECT count(*) FROM ${src} a JOIN ${ident(t.table)} s ON a.${K} = s.${K} WHERE ${rowHashSql(colNames, 'a')} <> ${rowHashSql(colNames, 's')}`,
    ),
  );
  if (dryRun)
    return {
      ...base,
      archivedRows,
      conflicts,
      inserted: Number(await queryValue(conn, `SELECT count(*) FROM (${missing})`)),
    };
  const inserted = await inTransaction(conn, async () => {
    const n = Number(await queryValue(conn, `SELECT count(*) FROM (${missing})`));
    await conn.run(`INSERT INTO ${ident(t.table)} (${cols}) ${missing}`);
    const absent = Number(
      await queryValue(conn, `SELECT count(*) FROM ${src} a WHERE a.${K} NOT IN (SELECT ${K} FROM ${ident(t.table)})`),
    );
    if (absent !== 0)
      throw new StoreError(`restore of ${t.table} ${month}: ${absent} archived rows still absent after insert`);
    if (t.db === 'whale') for (const sql of WHALE_GUIDE_BACKFILL) await conn.run(sql);
    return n;
  });
  crashPoint('archive:restore-after-insert');
  // A differing version of a row lives in the database: keep the archived one too, for a person to decide.
  if (conflicts > 0) return { ...base, archivedRows, inserted, conflicts };
  for (const f of files) fs.rmSync(f, { force: true });
  const dir = path.dirname(files[0]!);
  if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  fsyncDir(path.dirname(dir));
  return { ...base, archivedRows, inserted, conflicts };
}
