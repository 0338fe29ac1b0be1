// `analyze --latest`: the newest saved price for shell pipelines, without the node and without the
// duckdb CLI. Both databases are opened read-only (a writer holding one is waited for, as every
// read-only open does, so it is safe beside a running analyze), and the newest row of the primary
// and of the fallback (rows saved there while the primary refused, not merged yet) is the answer.
import fs from 'node:fs';
import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import { queryRows, withDatabase, type DuckDBConnection } from '../store/duckdb.js';

export interface LatestPrices {
  /** The newest `prices` row, with where it is (`primary` or `fallback`); null when none. */
  price: (Record<string, unknown> & { saved_in: 'primary' | 'fallback' }) | null;
  /** The newest `daily_prices` row (analyze --date / --from), null when none. */
  daily: Record<string, unknown> | null;
}

const PRICE_SQL = 'SELECT * FROM prices ORDER BY timestamp DESC, run_id LIMIT 1';
const DAILY_SQL = 'SELECT * FROM daily_prices ORDER BY date DESC LIMIT 1';

/** TIMESTAMP and DATE as ISO text, as the analyze --json document writes them. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v instanceof Date) out[k] = k === 'date' ? v.toISOString().slice(0, 10) : v.toISOString();
    else if (typeof v === 'bigint') out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}

async function newest(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown> | null> {
  const [row] = await queryRows(conn, sql);
  return row ? plain(row) : null;
}

export async function readLatest(
  s: Pick<Settings, 'duckdbPath' | 'duckdbBackupPath'>,
  log: Logger,
): Promise<LatestPrices> {
  const { price: primary, daily } = await withDatabase(
    s.duckdbPath,
    async (conn) => ({ price: await newest(conn, PRICE_SQL), daily: await newest(conn, DAILY_SQL) }),
    { readOnly: true, logger: log },
  );
  let price: LatestPrices['price'] = primary && { ...primary, saved_in: 'primary' };
  if (fs.existsSync(s.duckdbBackupPath)) {
    const fb = await withDatabase(s.duckdbBackupPath, (conn) => newest(conn, PRICE_SQL), {
      readOnly: true,
      logger: log,
    }).catch((err: unknown) => {
      // The fallback is a bonus here: the primary's answer stands.
      log.warn({ db: s.duckdbBackupPath, err: (err as Error).message }, 'fallback database not read');
      return null;
    });
    if (fb && (!price || String(fb.timestamp) > String(price.timestamp))) price = { ...fb, saved_in: 'fallback' };
  }
  return { price, daily };
}
