import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRangeSeries } from '../../src/analyze/rangeSeries.js';
import type { PriceDb } from '../../src/analyze/priceDb.js';
import { withSchemaDb } from '../../src/store/databases.js';
import { withDatabase } from '../../src/store/duckdb.js';
import { migrate } from '../../src/store/migrations.js';
import { priceDbSchema } from '../../src/store/schema/priceDb.js';

// The range chart's data: the consensus price of each day from daily_prices, and the exchange's as
// the mean of that UTC day's prices rows' mempool_price (NULLs left out); unknown days are null.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'range-series-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The handle the job would give the step, on this file. */
const handle = (file: string): PriceDb => ({ path: file, use: (fn) => withSchemaDb(file, priceDbSchema, fn) });

async function seed(db: string, daily: [string, number][], prices: [string, number | null][]): Promise<void> {
  await withDatabase(db, async (conn) => {
    await migrate(conn, priceDbSchema);
    for (const [date, price] of daily)
      await conn.run(
        `INSERT INTO daily_prices VALUES ($1::DATE, $2, $2, 1, 2, $3::TIMESTAMP, $3::TIMESTAMP, 'h', 1, 1, 1, 1, 0, 0, 0.9,
           $3::TIMESTAMP, 'r')`,
        [date, price, `${date}T12:00:00Z`],
      );
    for (const [at, usd] of prices)
      await conn.run(
        `INSERT INTO prices (run_id, timestamp, utxoracle_price, mempool_price, confidence, tx_count, diff_amount,
           diff_percent, is_valid, first_height, last_height, tip_hash, output_count, point_count, rough_price)
         VALUES ($1, $2::TIMESTAMP, 100000, $3, 0.9, 1, NULL, NULL, true, 1, 144, 'h', 1, 1, 100000)`,
        [randomUUID(), at, usd],
      );
  });
}

describe('loadRangeSeries', () => {
  it('pairs each day of the range with its consensus price and the mean saved exchange price', async () => {
    const db = path.join(dir, 'a.db');
    await seed(
      db,
      [
        ['2025-05-30', 103_000.5],
        ['2025-06-01', 106_000.25],
        ['2025-06-03', 1], // outside the range
      ],
      [
        ['2025-05-31T00:00:00', 104_000],
        ['2025-05-31T12:00:00', 105_000],
        ['2025-05-31T23:59:59.999', 106_000],
        ['2025-05-31T18:00:00', null], // mempool was down: not a price of zero
        ['2025-06-01T00:00:00', 106_500], // midnight belongs to the day it starts
        ['2025-06-02T00:00:00', 999_999], // after the range
        ['2025-05-29T23:59:59', 999_999], // before it
      ],
    );
    expect(await loadRangeSeries(handle(db), '2025-05-30', '2025-06-01')).toEqual([
      { date: '2025-05-30', price: 103_000.5, exchange: null },
      { date: '2025-05-31', price: null, exchange: 105_000 },
      { date: '2025-06-01', price: 106_000.25, exchange: 106_500 },
    ]);
  });

  it('a database with nothing yet gives every day as unknown', async () => {
    const db = path.join(dir, 'empty.db');
    await seed(db, [], []);
    expect(await loadRangeSeries(handle(db), '2025-01-01', '2025-01-02')).toEqual([
      { date: '2025-01-01', price: null, exchange: null },
      { date: '2025-01-02', price: null, exchange: null },
    ]);
  });
});
