import { listTables, tableSums, type TableSums } from '../../src/store/checksum.js';
import { withDatabase } from '../../src/store/duckdb.js';
import { migrate } from '../../src/store/migrations.js';
import { priceDbSchema } from '../../src/store/schema/priceDb.js';
import { whaleDbSchema } from '../../src/store/schema/whaleDb.js';

/**
 * Fills the price and whale databases with a year of generated rows ending at `end`, through the
 * real schemas (so the CHECK constraints hold). Deterministic: the same arguments give the same
 * rows. `pricesPerDay` sets the density of `prices` (144 = the cron's every 10 minutes).
 */
export interface GenerateOptions {
  end: Date;
  days?: number;
  pricesPerDay?: number;
  whalesPerDay?: number;
}

const ts = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

export async function generatePriceDb(path: string, o: GenerateOptions): Promise<void> {
  const days = o.days ?? 365;
  const per = o.pricesPerDay ?? 24;
  const start = ts(new Date(o.end.getTime() - days * 86_400_000));
  const step = Math.floor(86_400 / per);
  await withDatabase(path, async (conn) => {
    await migrate(conn, priceDbSchema);
    await conn.run(
      `INSERT INTO prices SELECT 'p-' || i, TIMESTAMP '${start}' + to_seconds(i * ${step}),
         60000 + (hash(i) % 20000)::DOUBLE + 0.25, CASE WHEN i % 7 = 0 THEN NULL ELSE 60000 + (hash(i + 1) % 20000)::DOUBLE END,
         (hash(i + 2) % 1000) / 1000.0, (100000 + hash(i + 3) % 50000)::INTEGER, NULL, NULL, i % 5 <> 0,
         (800000 + i)::INTEGER, (800143 + i)::INTEGER, md5(i::VARCHAR), 9000, 700, 61000.5
       FROM range(${days * per}) r(i)`,
    );
    await conn.run(
      `UPDATE prices SET diff_amount = mempool_price - utxoracle_price, diff_percent = 100 * (mempool_price - utxoracle_price) / utxoracle_price`,
    );
    await conn.run(
      `INSERT INTO daily_prices SELECT DATE '${start.slice(0, 10)}' + i::INTEGER, 60000 + i * 10.5, 60100.0, (800000 + i * 144)::INTEGER,
         (800143 + i * 144)::INTEGER, TIMESTAMP '${start}' + to_days(i::INTEGER), TIMESTAMP '${start}' + to_days(i::INTEGER) + INTERVAL 23 HOUR,
         md5('d' || i), 300000, 20000, 700, 650, 120.5, 0.2, 0.8, TIMESTAMP '${start}' + to_days(i::INTEGER + 1), 'run-d-' || i
       FROM range(${days}) r(i)`,
    );
    await conn.run(
      `INSERT INTO job_runs SELECT 'j-' || i, CASE i % 4 WHEN 0 THEN 'analyze' WHEN 1 THEN 'health-check' WHEN 2 THEN 'backup' ELSE 'archive' END,
         TIMESTAMP '${start}' + to_seconds(i * 21600), TIMESTAMP '${start}' + to_seconds(i * 21600 + 30), 'ok', 0, 30000.0, 'ok'
       FROM range(${days * 4}) r(i)`,
    );
    await conn.run(
      `INSERT INTO alert_events SELECT 'pa-' || i, 'price_invalid', 'warn', TIMESTAMP '${start}' + to_days(i * 3), '{"i":' || i || '}', i % 2 = 0, 1 + i % 3,
         CASE WHEN i % 2 = 0 THEN NULL ELSE 'timeout' END, 'price_invalid:' || i, 'firing' FROM range(${Math.floor(days / 3)}) r(i)`,
    );
  });
}

export async function generateWhaleDb(path: string, o: GenerateOptions): Promise<void> {
  const days = o.days ?? 365;
  const per = o.whalesPerDay ?? 10;
  const start = ts(new Date(o.end.getTime() - days * 86_400_000));
  const step = Math.floor(86_400 / per);
  await withDatabase(path, async (conn) => {
    await migrate(conn, whaleDbSchema);
    await conn.run(
      `INSERT INTO mempool_predictions SELECT md5('tx' || i), TIMESTAMP '${start}' + to_seconds(i * ${step}), (10000000000 + i)::BIGINT, 100.0 + i / 1e8,
         1000 + i, 250, 4.0 + (i % 50), i % 3 = 0, CASE i % 4 WHEN 0 THEN 'inflow' WHEN 1 THEN 'outflow' WHEN 2 THEN 'internal' ELSE 'unknown' END,
         '[]', true, (i % 100) / 100.0, (850000 + i)::INTEGER, (850001 + i)::INTEGER, 3, NULL, md5('tx' || i), i % 2 = 0,
         TIMESTAMP '${start}' + to_seconds(i * ${step})
       FROM range(${days * per}) r(i)`,
    );
    await conn.run(
      `INSERT INTO prediction_outcomes SELECT txid, 'confirmed', detected_at + INTERVAL 20 MINUTE, predicted_height, txid, 20.0, 0, true, NULL, 'ws',
         'confirmed', detected_at + INTERVAL 20 MINUTE, true
       FROM mempool_predictions WHERE hash(txid) % 5 <> 0`,
    );
    await conn.run(
      `INSERT INTO alert_events SELECT 'wa-' || i, 'whale', 'info', TIMESTAMP '${start}' + to_days(i * 3), '{}', true, 1, NULL,
         'whale_transaction:' || i, 'firing' FROM range(${Math.floor(days / 3)}) r(i)`,
    );
    await conn.run(
      `INSERT INTO whale_heartbeat (run_id, pid, started_at, beat_at, connected, tracked, messages, gaps, whales)
         SELECT 'hb-' || i, 1000 + i, TIMESTAMP '${start}' + to_days(i), TIMESTAMP '${start}' + to_days(i),
           true, 5, 100, 0, 3 FROM range(${days}) r(i)`,
    );
  });
}

/** Every table's count and checksum, read-only. */
export async function dbSums(path: string): Promise<TableSums> {
  return withDatabase(path, async (conn) => tableSums(conn, await listTables(conn)), { readOnly: true });
}
