import { queryRows } from '../store/duckdb.js';
import { dateRange } from './daily.js';
import type { PriceDb } from './priceDb.js';
import type { RangeDay } from './rangeChart.js';

/**
 * The range chart's data, from the price database: each day's consensus price from
 * `daily_prices`, and the exchange's price for the day as the mean of the `mempool_price` of the
 * `prices` rows written that UTC day (analyze saves one every 10 minutes with mempool's price of
 * the moment). Days before cron ran, or whose rows have no exchange price, have none: the chart
 * shows a gap rather than a price from elsewhere.
 */
export async function loadRangeSeries(db: PriceDb, from: string, to: string): Promise<RangeDay[]> {
  const { daily, exchange } = await db.use(
    async (conn) => ({
      daily: await queryRows(
        conn,
        `SELECT strftime(date, '%Y-%m-%d') AS d, price FROM daily_prices
         WHERE date BETWEEN $1::DATE AND $2::DATE`,
        [from, to],
      ),
      exchange: await queryRows(
        conn,
        `SELECT strftime(CAST(timestamp AS DATE), '%Y-%m-%d') AS d, AVG(mempool_price) AS usd FROM prices
         WHERE mempool_price IS NOT NULL AND timestamp >= $1::TIMESTAMP AND timestamp < $2::TIMESTAMP + INTERVAL 1 DAY
         GROUP BY 1`,
        [from, to],
      ),
    }),
    { retries: 6 },
  );
  const price = new Map(daily.map((r) => [String(r.d), Number(r.price)]));
  const usd = new Map(exchange.map((r) => [String(r.d), Number(r.usd)]));
  return dateRange(from, to).map((date) => ({ date, price: price.get(date) ?? null, exchange: usd.get(date) ?? null }));
}
