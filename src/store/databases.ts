import { withDatabase, type DuckDBConnection, type OpenOptions } from './duckdb.js';
import { migrate, type SchemaDef } from './migrations.js';
import { priceDbSchema } from './schema/priceDb.js';
import { whaleDbSchema } from './schema/whaleDb.js';

/** Opens a database for writing, bringing its schema up to date first (cheap when current). */
export async function withSchemaDb<T>(
  dbPath: string,
  schema: SchemaDef,
  fn: (conn: DuckDBConnection) => Promise<T>,
  opts: OpenOptions = {},
): Promise<T> {
  return withDatabase(
    dbPath,
    async (conn) => {
      if (!opts.readOnly && !migrated.has(conn)) {
        await migrate(conn, schema);
        migrated.add(conn);
      }
      return fn(conn);
    },
    opts,
  );
}

/** Connections already brought up to date (a handle shared across uses is checked once). */
const migrated = new WeakSet<DuckDBConnection>();

/** Where the three databases are (the Settings carry these; a step takes only the ones it opens). */
export interface DatabasePaths {
  readonly duckdbPath: string;
  readonly duckdbBackupPath: string;
  readonly whaleDbPath: string;
}

export const withPriceDb = <T>(
  db: Pick<DatabasePaths, 'duckdbPath'>,
  fn: (conn: DuckDBConnection) => Promise<T>,
  opts?: OpenOptions,
) => withSchemaDb(db.duckdbPath, priceDbSchema, fn, opts);

export const withFallbackDb = <T>(
  db: Pick<DatabasePaths, 'duckdbBackupPath'>,
  fn: (conn: DuckDBConnection) => Promise<T>,
  opts?: OpenOptions,
) => withSchemaDb(db.duckdbBackupPath, priceDbSchema, fn, opts);

export const withWhaleDb = <T>(
  db: Pick<DatabasePaths, 'whaleDbPath'>,
  fn: (conn: DuckDBConnection) => Promise<T>,
  opts?: OpenOptions,
) => withSchemaDb(db.whaleDbPath, whaleDbSchema, fn, opts);
