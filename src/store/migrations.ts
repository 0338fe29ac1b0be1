import { duckdb } from '../lib/commonjs.js';
import { inTransaction, queryRows, queryValue, type DuckDBConnection } from './duckdb.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export interface SchemaDef {
  /** Human name, e.g. "price database". */
  name: string;
  migrations: Migration[];
}

export function latestVersion(def: SchemaDef): number {
  return Math.max(0, ...def.migrations.map((m) => m.version));
}

export async function currentVersion(conn: DuckDBConnection): Promise<number> {
  const exists = await queryValue<number | bigint>(
    conn,
    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version' AND table_schema = 'main'",
  );
  if (!exists) return 0;
  const v = await queryValue<number | null>(conn, 'SELECT max(version) FROM schema_version');
  return v ?? 0;
}

/** Applies the pending migrations in order, each in its own transaction with its version row. */
export async function migrate(
  conn: DuckDBConnection,
  def: SchemaDef,
): Promise<{ from: number; to: number; applied: string[] }> {
  await conn.run(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)',
  );
  const from = await currentVersion(conn);
  const applied: string[] = [];
  for (const m of [...def.migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= from) continue;
    await inTransaction(conn, async () => {
      for (const sql of m.statements) await conn.run(sql);
      await conn.run('INSERT INTO schema_version VALUES ($1, $2, now()::TIMESTAMP)', [m.version, m.name]);
    });
    applied.push(`${m.version} ${m.name}`);
  }
  return { from, to: await currentVersion(conn), applied };
}

/** A comparable description of a schema: one line per column and per index. */
export async function describeSchema(conn: DuckDBConnection): Promise<string[]> {
  const cols = await queryRows(
    conn,
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
  );
  const idx = await queryRows(
    conn,
    "SELECT table_name, index_name, sql FROM duckdb_indexes() WHERE schema_name = 'main' ORDER BY 1, 2",
  );
  // The runbook's DATE_SUB macro (schema/priceDb.ts): each form, by its parameters.
  const macros = await queryRows(
    conn,
    `SELECT function_name, parameters::VARCHAR AS params FROM duckdb_functions()
     WHERE function_type = 'macro' AND schema_name = 'main' AND database_name = current_database() ORDER BY 1, 2`,
  );
  return [
    ...macros.map((m) => `macro ${String(m.function_name)}${String(m.params).replace(/^\[/, '(').replace(/\]$/, ')')}`),
    ...cols.map(
      (c) =>
        `column ${String(c.table_name)}.${String(c.column_name)} ${String(c.data_type)}${c.is_nullable === 'NO' ? ' NOT NULL' : ''}`,
    ),
    ...idx.map((i) => `index ${String(i.table_name)}.${String(i.index_name)}`),
  ];
}

/** The schema a fresh database gets, built in memory from the migrations. */
export async function expectedSchema(def: SchemaDef): Promise<string[]> {
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await migrate(conn, def);
    return await describeSchema(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export interface SchemaCheck {
  ok: boolean;
  version: number;
  expectedVersion: number;
  missing: string[];
  unexpected: string[];
}

export async function checkSchema(conn: DuckDBConnection, def: SchemaDef): Promise<SchemaCheck> {
  const [want, have, version] = [await expectedSchema(def), await describeSchema(conn), await currentVersion(conn)];
  const haveSet = new Set(have);
  const wantSet = new Set(want);
  const missing = want.filter((l) => !haveSet.has(l));
  const unexpected = have.filter((l) => !wantSet.has(l));
  const expectedVersion = latestVersion(def);
  return {
    ok: missing.length === 0 && unexpected.length === 0 && version === expectedVersion,
    version,
    expectedVersion,
    missing,
    unexpected,
  };
}
