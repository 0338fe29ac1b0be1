import { describe, expect, it } from 'vitest';
import { dailyRow } from '../../src/analyze/daily.js';
import { buildPriceRow } from '../../src/analyze/priceRow.js';
import { resultColumns } from '../../src/analyze/resultColumns.js';
import type { OracleResult } from '../../src/oracle/price.js';

// Every field a distinct number, so a column fed from the wrong field shows.
const result: OracleResult = {
  price: 101_234.5,
  roughPrice: 101_000,
  firstHeight: 900_000,
  lastHeight: 900_143,
  firstTime: 1_750_000_000,
  lastTime: 1_750_086_000,
  txCount: 456_789,
  outputCount: 23_456,
  pointCount: 3_456,
  pointsInWindow: 2_345,
  dev: 123.25,
  devPct: 0.061,
  axRange: 0.05,
  confidence: 0.875,
  points: { prices: new Float64Array(0), heights: new Uint32Array(0), times: new Float64Array(0) },
};

describe('resultColumns: one mapping of an oracle result to snake_case columns', () => {
  it('names each field once', () => {
    expect(resultColumns(result)).toEqual({
      rough_price: 101_000,
      first_height: 900_000,
      last_height: 900_143,
      first_time: '2025-06-15T15:06:40.000Z',
      last_time: '2025-06-16T15:00:00.000Z',
      tx_count: 456_789,
      output_count: 23_456,
      point_count: 3_456,
      points_in_window: 2_345,
      dev: 123.25,
      dev_pct: 0.061,
      confidence: 0.875,
    });
  });

  it('the prices row and the daily_prices row take their columns from it', () => {
    const cols = resultColumns(result);
    const now = new Date('2025-06-16T16:00:00Z');
    const price = buildPriceRow('run', now, result, 'ab'.repeat(32), 101_300, { valid: true });
    const daily = dailyRow(
      {
        date: '2025-06-15',
        tip: 900_000,
        result,
        lastHash: 'cd'.repeat(32),
        stats: { blocks: 144, fromCache: 0, fromNode: 144, bytesFetched: 0, maxAhead: 8 },
      },
      'run',
      now,
    );
    for (const [k, v] of Object.entries(price)) if (k in cols) expect(v, k).toBe(cols[k as keyof typeof cols]);
    expect(Object.keys(price).filter((k) => k in cols)).toHaveLength(7);
    expect(daily).toMatchObject({ ...cols, date: '2025-06-15', price: 101_234.5 });
    expect(price.utxoracle_price).toBe(101_234.5);
  });
});
