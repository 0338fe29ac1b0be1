import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbSums, generatePriceDb, generateWhaleDb } from './generate.js';

describe('row generator', () => {
  it('fills a year of rows in both databases, deterministically', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-'));
    const end = new Date('2026-01-01T00:00:00Z');
    await generatePriceDb(path.join(dir, 'a.db'), { end });
    await generatePriceDb(path.join(dir, 'b.db'), { end });
    await generateWhaleDb(path.join(dir, 'w.db'), { end });
    const a = await dbSums(path.join(dir, 'a.db'));
    expect(a.prices!.rows).toBe(365 * 24);
    expect(a.daily_prices!.rows).toBe(365);
    // schema_version holds the time of migration; every data table is identical.
    const { schema_version: _a, ...dataA } = a;
    const { schema_version: _b, ...dataB } = await dbSums(path.join(dir, 'b.db'));
    expect(dataB).toEqual(dataA);
    const w = await dbSums(path.join(dir, 'w.db'));
    expect(w.mempool_predictions!.rows).toBe(3650);
    expect(w.prediction_outcomes!.rows).toBeGreaterThan(2500);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
