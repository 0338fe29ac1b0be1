import type { DuckDBConnection } from '../store/duckdb.js';
import { type TableSums } from '../store/checksum.js';
import { ident } from '../store/sqlText.js';
import type { DbRole } from './names.js';

/**
 * Each backup file carries its own manifest table: the tables, row counts and checksums of the
 * source at copy time. The file is then self-describing: `--verify` works on a copy moved to
 * another host, with or without our `backups` table. A restore drops it.
 */
export const MANIFEST_TABLE = '_backup_manifest';

export interface Manifest {
  role: DbRole;
  sourcePath: string;
  takenAt: string;
  duckdbVersion: string;
  sums: TableSums;
}

export async function writeManifest(conn: DuckDBConnection, catalog: string, m: Manifest): Promise<void> {
  const t = `${ident(catalog)}.main.${MANIFEST_TABLE}`;
  await conn.run(
    `CREATE TABLE ${t} (table_name VARCHAR PRIMARY KEY, row_count BIGINT NOT NULL, checksum VARCHAR NOT NULL,
       db_role VARCHAR NOT NULL, source_path VARCHAR NOT NULL, taken_at VARCHAR NOT NULL, duckdb_version VARCHAR NOT NULL)`,
  );
  for (const [name, s] of Object.entries(m.sums)) {
    await conn.run(`INSERT INTO ${t} VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      name,
      s.rows,
      s.checksum,
      m.role,
      m.sourcePath,
      m.takenAt,
      m.duckdbVersion,
    ]);
  }
  // An empty database still gets a row so that the manifest proves the file is ours.
  if (Object.keys(m.sums).length === 0) {
    await conn.run(`INSERT INTO ${t} VALUES ('', -1, '', $1, $2, $3, $4)`, [
      m.role,
      m.sourcePath,
      m.takenAt,
      m.duckdbVersion,
    ]);
  }
}
