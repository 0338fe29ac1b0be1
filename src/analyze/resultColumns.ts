import type { OracleResult } from '../oracle/price.js';

/**
 * An oracle result as snake_case columns, the one mapping the `prices` row, the `daily_prices` row
 * and analyze's --json share (each takes the columns it has; the price itself is named by each:
 * `utxoracle_price` in `prices`, `price` in `daily_prices`). Times are ISO 8601 UTC.
 */
export function resultColumns(r: OracleResult) {
  return {
    rough_price: r.roughPrice,
    first_height: r.firstHeight,
    last_height: r.lastHeight,
    first_time: new Date(r.firstTime * 1000).toISOString(),
    last_time: new Date(r.lastTime * 1000).toISOString(),
    tx_count: r.txCount,
    output_count: r.outputCount,
    point_count: r.pointCount,
    points_in_window: r.pointsInWindow,
    dev: r.dev,
    dev_pct: r.devPct,
    confidence: r.confidence,
  };
}
