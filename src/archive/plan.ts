import { ident } from '../store/sqlText.js';
import { queryRows, type DuckDBConnection } from '../store/duckdb.js';
import type { ArchiveTable } from './tables.js';

export interface MonthPlan {
  table: ArchiveTable;
  month: string;
  rows: number;
}

/** Rows older than the cutoff, per table and month (UTC), read in one pass per table. */
export async function planMonths(
  conn: DuckDBConnection,
  tables: readonly ArchiveTable[],
  cutoff: Date,
): Promise<MonthPlan[]> {
  const out: MonthPlan[] = [];
  for (const t of tables) {
    const rows = await queryRows(
      conn,
      `SELECT strftime(${ident(t.timeCol)}, '%Y-%m') AS month, count(*) AS n FROM ${ident(t.table)}
       WHERE ${ident(t.timeCol)} < $1::TIMESTAMP GROUP BY 1 ORDER BY 1`,
      [cutoffSql(cutoff)],
    );
    for (const r of rows) out.push({ table: t, month: String(r.month), rows: Number(r.n) });
  }
  return out;
}

/** The cutoff as a TIMESTAMP literal in UTC (our columns hold UTC wall time). */
export function cutoffSql(cutoff: Date): string {
  return cutoff.toISOString().replace('T', ' ').replace('Z', '');
}
