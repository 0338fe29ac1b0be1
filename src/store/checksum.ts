import { queryRows, type DuckDBConnection } from './duckdb.js';
import { ident } from './sqlText.js';

/** Row count and an order-independent checksum of one table's rows. */
export interface TableSum {
  rows: number;
  /** Decimal string: sum of DuckDB hash() over every column of every row (HUGEINT, so no overflow). */
  checksum: string;
}

export type TableSums = Record<string, TableSum>;

/**
 * The checksum SQL expression over `cols` for rows aliased `alias`.
 * sum(hash(...)) rather than bit_xor: identical rows do not cancel out, and the order of rows does
 * not matter. hash() is deterministic for the same DuckDB version, which is all we compare across
 * (source vs copy in one process, table vs the Parquet it wrote). Column order is the table's.
 */
export function rowHashSql(cols: string[], alias?: string): string {
  const p = alias ? `${alias}.` : '';
  return `hash(${cols.map((c) => p + ident(c)).join(', ')})`;
}

/** A table's columns in table order ($1 table, $2 catalog or NULL for the current one). */
export const COLUMNS_SQL = `SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = $1
       AND database_name = coalesce($2, current_database()) ORDER BY column_index`;
/** The catalog's tables ($1 catalog or NULL for the current one). */
export const TABLES_SQL = `SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary
       AND database_name = coalesce($1, current_database()) ORDER BY table_name`;

/** The count-and-checksum query over a relation, given its columns already as a hash() argument list. */
export function checksumSql(relation: string, hashArgs: string): string {
  return `SELECT count(*) AS n, coalesce(sum(hash(${hashArgs})), 0)::VARCHAR AS h FROM ${relation}`;
}

export async function tableColumns(conn: DuckDBConnection, table: string, catalog?: string): Promise<string[]> {
  const rows = await queryRows(conn, COLUMNS_SQL, [table, catalog ?? null]);
  return rows.map((r) => String(r.column_name));
}

export async function listTables(conn: DuckDBConnection, catalog?: string): Promise<string[]> {
  const rows = await queryRows(conn, TABLES_SQL, [catalog ?? null]);
  return rows.map((r) => String(r.table_name));
}

/** Count and checksum of any relation (a table, or `read_parquet(...)`), over the given columns. */
export async function relationSum(conn: DuckDBConnection, relation: string, cols: string[]): Promise<TableSum> {
  const rows = await queryRows(conn, checksumSql(relation, cols.map((c) => ident(c)).join(', ')));
  return { rows: Number(rows[0]!.n), checksum: String(rows[0]!.h) };
}

export async function tableSums(conn: DuckDBConnection, tables: string[], catalog?: string): Promise<TableSums> {
  const out: TableSums = {};
  for (const t of tables) {
    const cols = await tableColumns(conn, t, catalog);
    out[t] = await relationSum(conn, catalog ? `${ident(catalog)}.main.${ident(t)}` : ident(t), cols);
  }
  return out;
}

/** Per-table differences between two sets of sums; empty when equal. */
export function diffSums(expected: TableSums, actual: TableSums): string[] {
  const problems: string[] = [];
  for (const t of Object.keys(expected)) {
    const a = actual[t];
    if (!a) problems.push(`table ${t} missing`);
    else if (a.rows !== expected[t]!.rows) problems.push(`table ${t}: ${a.rows} rows, expected ${expected[t]!.rows}`);
    else if (a.checksum !== expected[t]!.checksum)
      problems.push(`table ${t}: checksum ${a.checksum}, expected ${expected[t]!.checksum}`);
  }
  for (const t of Object.keys(actual)) if (!(t in expected)) problems.push(`unexpected table ${t}`);
  return problems;
}
