import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ARCHIVE_TABLES, type ArchiveTable } from '../../src/archive/tables.js';
import { rowHashSql, tableColumns, type TableSum } from '../../src/store/checksum.js';
import { ident, sqlString } from '../../src/store/sqlText.js';
import { queryRows, queryValue, withDatabase } from '../../src/store/duckdb.js';
import type { TestEnv } from '../backup/helpers.js';

export const ARCHIVED = ARCHIVE_TABLES;

/** Every finished part file under the archive directory (temp files excluded), sorted. */
export function archiveFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.parquet') && !f.startsWith('.tmp'))
    .map((f) => path.join(dir, f))
    .sort();
}

/**
 * For each archived table: count, checksum AND number of distinct keys over the database's rows
 * plus the archived rows. Equal to the original's, with distinct keys == count, means every row
 * is in exactly one place (none lost, none duplicated, none altered).
 */
export async function unionSums(
  t: TestEnv,
  opts: { allowDuplicates?: boolean } = {},
): Promise<Record<string, TableSum & { keys: number }>> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    await conn.run(`ATTACH ${sqlString(t.priceDb)} AS price (READ_ONLY)`);
    await conn.run(`ATTACH ${sqlString(t.whaleDb)} AS whale (READ_ONLY)`);
    const out: Record<string, TableSum & { keys: number }> = {};
    const files = archiveFiles(t.archiveDir);
    for (const a of ARCHIVED) {
      const cols = await tableColumns(conn, a.table, a.db);
      const mine = files.filter(
        (f) => f.includes(`${path.sep}table=${a.table}${path.sep}`) && path.basename(f).startsWith(`${a.db}-`),
      );
      const list = cols.map(ident).join(', ');
      const parts = mine.length
        ? ` UNION ALL SELECT ${list} FROM read_parquet([${mine.map(sqlString).join(', ')}])`
        : '';
      // The jobs under test add their own job_runs rows; the generated ones are 'j-...'.
      const where = a.table === 'job_runs' ? " WHERE run_id LIKE 'j-%'" : '';
      const rows = await queryRows(
        conn,
        `SELECT count(*) AS n, coalesce(sum(${rowHashSql(cols)}), 0)::VARCHAR AS h, count(DISTINCT ${ident(a.key)}) AS k
         FROM (SELECT ${list} FROM ${a.db}.main.${ident(a.table)}${parts})${where}`,
      );
      out[`${a.db}.${a.table}`] = { rows: Number(rows[0]!.n), checksum: String(rows[0]!.h), keys: Number(rows[0]!.k) };
    }
    if (!opts.allowDuplicates)
      for (const [k, v] of Object.entries(out))
        if (v.keys !== v.rows) throw new Error(`${k}: ${v.rows} rows but ${v.keys} distinct keys (duplicated)`);
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export async function oldRowCount(t: TestEnv, a: ArchiveTable, cutoff: Date): Promise<number> {
  const file = a.db === 'price' ? t.priceDb : t.whaleDb;
  return withDatabase(
    file,
    async (conn) =>
      Number(
        await queryValue(conn, `SELECT count(*) FROM ${ident(a.table)} WHERE ${ident(a.timeCol)} < $1::TIMESTAMP`, [
          cutoff.toISOString().replace('T', ' ').replace('Z', ''),
        ]),
      ),
    { readOnly: true },
  );
}
