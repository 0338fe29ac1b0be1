import fs from 'node:fs';
import { StoreError, describeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { inTransaction, queryValue, type DuckDBConnection } from '../store/duckdb.js';
import type { PriceDbs } from './priceDb.js';
import { assertFinite, type PriceRow } from './priceRow.js';

const COLUMNS = [
  'run_id',
  'timestamp',
  'utxoracle_price',
  'mempool_price',
  'confidence',
  'tx_count',
  'diff_amount',
  'diff_percent',
  'is_valid',
  'first_height',
  'last_height',
  'tip_hash',
  'output_count',
  'point_count',
  'rough_price',
] as const;

async function insertRow(conn: DuckDBConnection, row: PriceRow): Promise<void> {
  const values = COLUMNS.map((c) => row[c]);
  const placeholders = COLUMNS.map((c, i) => (c === 'timestamp' ? `$${i + 1}::TIMESTAMP` : `$${i + 1}`));
  await inTransaction(conn, () =>
    conn.run(`INSERT INTO prices (${COLUMNS.join(', ')}) VALUES (${placeholders.join(', ')})`, values),
  );
}

/** Tables whose fallback rows move to the primary, with the key that makes the move idempotent. */
const MERGED: [table: string, key: string][] = [
  ['prices', 'run_id'],
  ['daily_prices', 'date'],
  ['alert_events', 'event_id'],
  ['job_runs', 'run_id'],
];

/**
 * Moves rows left in the fallback database into the primary, without duplicates and without
 * losing any: first copy what the primary lacks (one transaction), then delete from the fallback
 * only the rows the primary now has. A crash between the two leaves rows in both places; the
 * next run copies nothing new and finishes the delete.
 */
export async function mergeFallback(primary: DuckDBConnection, fallbackPath: string, log: Logger): Promise<number> {
  if (!fs.existsSync(fallbackPath)) return 0;
  await primary.run(`ATTACH '${fallbackPath.replaceAll("'", "''")}' AS fb`);
  try {
    const pending = await queryValue<bigint>(primary, 'SELECT count(*) FROM fb.prices');
    if (!pending) return 0;
    let moved = 0;
    await inTransaction(primary, async () => {
      for (const [table, key] of MERGED) {
        const r = await primary.run(
          `INSERT INTO main.${table} SELECT * FROM fb.${table} f WHERE f.${key} NOT IN (SELECT ${key} FROM main.${table})`,
        );
        if (table === 'prices') moved = Number(r.rowsChanged);
      }
    });
    await inTransaction(primary, async () => {
      for (const [table, key] of MERGED) {
        await primary.run(`DELETE FROM fb.${table} WHERE ${key} IN (SELECT ${key} FROM main.${table})`);
      }
    });
    log.info({ moved, from: fallbackPath }, `moved ${moved} fallback row(s) into the primary database`);
    return moved;
  } finally {
    await primary.run('DETACH fb');
  }
}

export type SaveOutcome =
  { where: 'primary'; path: string; merged: number } | { where: 'fallback'; path: string; primaryError: string };

/**
 * The row goes to the primary database (after moving in any fallback rows); if the primary cannot
 * be written, to the fallback database. Both failing throws (exit 1).
 */
export async function savePriceRow(dbs: PriceDbs, row: PriceRow, log: Logger): Promise<SaveOutcome> {
  assertFinite(row as unknown as Record<string, unknown>, 'prices row');
  const { primary, fallback } = dbs;
  let primaryError: string;
  try {
    const merged = await primary.use(
      async (conn) => {
        const n = await mergeFallback(conn, fallback.path, log).catch((err: unknown) => {
          // A broken fallback file must not stop today's row; its rows stay where they are.
          log.error({ err: describeError(err) }, 'could not move fallback rows into the primary database');
          return 0;
        });
        await insertRow(conn, row);
        return n;
      },
      { retries: 6 },
    );
    log.info({ path: primary.path }, `Data saved to ${primary.path}`);
    return { where: 'primary', path: primary.path, merged };
  } catch (err) {
    primaryError = describeError(err);
    log.error({ err: primaryError, path: primary.path }, 'primary database write failed; trying the fallback database');
  }
  try {
    await fallback.use((conn) => insertRow(conn, row), { retries: 3 });
  } catch (err) {
    log.fatal(
      { primary: primaryError, fallback: describeError(err) },
      'FATAL: Both primary and backup DB writes failed',
    );
    throw new BothWritesFailed(primaryError, describeError(err));
  }
  log.warn({ path: fallback.path }, `FALLBACK: Data saved to ${fallback.path}`);
  return { where: 'fallback', path: fallback.path, primaryError };
}

export class BothWritesFailed extends StoreError {
  constructor(primary: string, fallback: string) {
    super(`Both primary and backup DB writes failed (primary: ${primary}; fallback: ${fallback})`);
  }
}
