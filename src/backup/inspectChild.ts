import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { COLUMNS_SQL, TABLES_SQL, checksumSql, type TableSums } from '../store/checksum.js';
import { MANIFEST_TABLE } from './manifest.js';

/**
 * Reads a file of unknown integrity (a backup to verify) in a CHILD process.
 *
 * Why: DuckDB 1.5 detects most corruption through its block checksums and throws, but some
 * damaged files make it crash natively (we measured a segfault reading a file with flipped
 * bytes). In-process, that would kill the backup job, or the restore, half-way. In a child, a
 * crash is just a failed verification.
 *
 * The child is plain JavaScript handed to `node -e`, so it needs no build step. Its SQL comes from
 * store/checksum.ts (the queries for tables and columns, and the checksum query with placeholders for
 * the relation and the hash() arguments), so it computes exactly what the parent's tableSums does.
 */
const CHILD = `
import { pathToFileURL } from 'node:url';
const [file, entry, manifestTable, tablesSql, columnsSql, checksumSql] = process.argv.slice(1);
const { DuckDBInstance } = await import(pathToFileURL(entry).href);
const q = (s) => '"' + s.replaceAll('"', '""') + '"';
const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
const conn = await instance.connect();
const rows = async (sql, p) => (await conn.runAndReadAll(sql, p)).getRowObjectsJS();
await conn.run("SET TimeZone = 'UTC'");
const tables = (await rows(tablesSql, [null])).map((r) => r.table_name);
const out = { tables: {}, manifest: null };
if (tables.includes(manifestTable)) {
  const manifest = await rows('SELECT * FROM ' + q(manifestTable) + ' ORDER BY table_name');
  out.manifest = manifest.map((r) => ({ ...r, row_count: Number(r.row_count) }));
}
for (const t of tables) {
  if (t === manifestTable) continue;
  const cols = (await rows(columnsSql, [t, null])).map((r) => q(r.column_name));
  const r = (await rows(checksumSql.replace('$RELATION', () => q(t)).replace('$HASH_ARGS', () => cols.join(', '))))[0];
  out.tables[t] = { rows: Number(r.n), checksum: r.h };
}
conn.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify(out));
`;

export interface Inspection {
  manifest: Record<string, unknown>[] | null;
  tables: TableSums;
}

const duckdbEntry = (): string => createRequire(import.meta.url).resolve('@duckdb/node-api');

export function inspectInChild(file: string, timeoutMs = 30 * 60_000): Promise<Inspection> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        CHILD,
        file,
        duckdbEntry(),
        MANIFEST_TABLE,
        TABLES_SQL,
        COLUMNS_SQL,
        checksumSql('$RELATION', '$HASH_ARGS'),
      ],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH ?? '' } },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { signal?: string | null; killed?: boolean };
          const why = e.signal
            ? `DuckDB crashed reading the file (signal ${e.signal}): it is corrupt`
            : (/(?:Error|error)[^\n]*/.exec(stderr)?.[0] ?? e.message).slice(0, 500);
          reject(new Error(why));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as Inspection);
        } catch {
          reject(new Error(`unreadable answer from the verifier: ${stdout.slice(0, 200)}`));
        }
      },
    );
  });
}
