import type { Settings } from '../config/settings.js';
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

export const withPriceDb = <T>(s: Readonly<Settings>, fn: (conn: DuckDBConnection) => Promise<T>, opts?: OpenOptions) =>
  withSchemaDb(s.duckdbPath, priceDbSchema, fn, opts);

export const withFallbackDb = <T>(
  s: Readonly<Settings>,
  fn: (conn: DuckDBConnection) => Promise<T>,
  opts?: OpenOptions,
) => withSchemaDb(s.duckdbBackupPath, priceDbSchema, fn, opts);

export const withWhaleDb = <T>(s: Readonly<Settings>, fn: (conn: DuckDBConnection) => Promise<T>, opts?: OpenOptions) =>
  withSchemaDb(s.whaleDbPath, whaleDbSchema, fn, opts);
