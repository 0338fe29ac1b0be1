import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { checkSchema, currentVersion, migrate, type SchemaDef } from '../../src/store/migrations.js';
import { priceDbSchema } from '../../src/store/schema/priceDb.js';
import { whaleDbSchema } from '../../src/store/schema/whaleDb.js';

const tmpDb = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mig-')), 'x.db');

describe('migrations', () => {
  it.each([priceDbSchema, whaleDbSchema])('$name: creates, then is idempotent, and --check agrees', async (schema) => {
    const db = tmpDb();
    const first = await withDatabase(db, (c) => migrate(c, schema));
    expect(first.from).toBe(0);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await withDatabase(db, (c) => migrate(c, schema));
    expect(second.applied).toEqual([]);
    expect(second.to).toBe(first.to);
    const check = await withDatabase(db, (c) => checkSchema(c, schema), { readOnly: true });
    expect(check).toMatchObject({ ok: true, missing: [], unexpected: [] });
  });

  it('check lists a dropped column and an extra table', async () => {
    const db = tmpDb();
    await withDatabase(db, async (c) => {
      await migrate(c, priceDbSchema);
      await c.run('ALTER TABLE daily_prices DROP COLUMN dev');
      await c.run('CREATE TABLE stray (x INTEGER)');
    });
    const check = await withDatabase(db, (c) => checkSchema(c, priceDbSchema));
    expect(check.ok).toBe(false);
    expect(check.missing).toContain('column daily_prices.dev DOUBLE NOT NULL');
    expect(check.unexpected).toContain('column stray.x INTEGER');
  });

  it('a later version migrates in place without losing rows', async () => {
    const db = tmpDb();
    const v1: SchemaDef = {
      name: 't',
      migrations: [{ version: 1, name: 'a', statements: ['CREATE TABLE a (x INTEGER)'] }],
    };
    const v2: SchemaDef = {
      name: 't',
      migrations: [...v1.migrations, { version: 2, name: 'b', statements: ['ALTER TABLE a ADD COLUMN y VARCHAR'] }],
    };
    await withDatabase(db, async (c) => {
      await migrate(c, v1);
      await c.run('INSERT INTO a VALUES (1), (2)');
      const r = await migrate(c, v2);
      expect(r).toMatchObject({ from: 1, to: 2, applied: ['2 b'] });
      expect(await currentVersion(c)).toBe(2);
      expect(await queryRows(c, 'SELECT x, y FROM a ORDER BY x')).toEqual([
        { x: 1, y: null },
        { x: 2, y: null },
      ]);
    });
  });

  it('the whale database from version 2 to 3: its rows kept, the whale guide’s columns filled from ours', async () => {
    const db = tmpDb();
    const v2: SchemaDef = { ...whaleDbSchema, migrations: whaleDbSchema.migrations.filter((m) => m.version <= 2) };
    await withDatabase(db, async (c) => {
      await migrate(c, v2);
      await c.run(`INSERT INTO mempool_predictions VALUES ('${'a'.repeat(64)}', TIMESTAMP '2025-05-01 10:00:00', 15000000000,
        150.0, 1000, 200, 5.0, true, 'inflow', 'Binance', true, 0.5, 890000, 890002, 2, NULL, '${'a'.repeat(64)}', true)`);
      await c.run(`INSERT INTO prediction_outcomes VALUES ('${'a'.repeat(64)}', 'confirmed', TIMESTAMP '2025-05-01 10:21:00',
        890002, '${'a'.repeat(64)}', 21.0, 0, true, NULL, 'stream')`);
      const r = await migrate(c, whaleDbSchema);
      expect(r).toMatchObject({ from: 2, to: 3 });
      expect(await queryRows(c, 'SELECT txid, prediction_timestamp FROM mempool_predictions')).toEqual([
        { txid: 'a'.repeat(64), prediction_timestamp: new Date('2025-05-01T10:00:00Z') },
      ]);
      expect(
        await queryRows(
          c,
          'SELECT outcome_status, confirmation_timestamp, prediction_accuracy FROM prediction_outcomes',
        ),
      ).toEqual([
        {
          outcome_status: 'confirmed',
          confirmation_timestamp: new Date('2025-05-01T10:21:00Z'),
          prediction_accuracy: true,
        },
      ]);
    });
    const check = await withDatabase(db, (c) => checkSchema(c, whaleDbSchema), { readOnly: true });
    expect(check).toMatchObject({ ok: true, version: 3 });
  });

  it('init-db --check misses a dropped macro', async () => {
    const db = tmpDb();
    await withDatabase(db, async (c) => {
      await migrate(c, priceDbSchema);
      await c.run('DROP MACRO date_sub');
    });
    const check = await withDatabase(db, (c) => checkSchema(c, priceDbSchema));
    expect(check.missing).toEqual(['macro date_sub(a, b)', 'macro date_sub(part, startdate, enddate)']);
  });

  it('a failing migration leaves the previous version and its rows intact', async () => {
    const db = tmpDb();
    const bad: SchemaDef = {
      name: 't',
      migrations: [
        { version: 1, name: 'a', statements: ['CREATE TABLE a (x INTEGER)'] },
        { version: 2, name: 'broken', statements: ['ALTER TABLE a ADD COLUMN y INTEGER', 'SELECT * FROM nowhere'] },
      ],
    };
    await withDatabase(db, async (c) => {
      await migrate(c, { name: 't', migrations: [bad.migrations[0]!] });
      await c.run('INSERT INTO a VALUES (7)');
      await expect(migrate(c, bad)).rejects.toThrow(/nowhere/);
      expect(await currentVersion(c)).toBe(1);
      expect(await queryRows(c, 'SELECT * FROM a')).toEqual([{ x: 7 }]);
    });
  });

  it("the runbook's queries run unchanged against an initialised price database", async () => {
    const db = tmpDb();
    await withDatabase(db, async (c) => {
      await migrate(c, priceDbSchema);
      const now = new Date();
      const rows: [string, number, number | null, number, boolean][] = [
        ['a', 60_000, 60_600, 0.9, true],
        ['b', 61_000, 60_390, 0.8, true],
        ['c', 58_000, null, 0.1, false],
      ];
      for (const [i, [id, p, m, conf, valid]] of rows.entries()) {
        await c.run(
          `INSERT INTO prices VALUES ($1, $2::TIMESTAMP, $3, $4, $5, 1000, $6, $7, $8, 1, 144, 'h', 10, 10, $3)`,
          [
            id,
            new Date(now.getTime() - i * 600_000).toISOString(),
            p,
            m,
            conf,
            m === null ? null : m - p,
            m === null ? null : (100 * (m - p)) / p,
            valid,
          ],
        );
      }
      const q1 = await queryRows(
        c,
        'SELECT MIN(timestamp) AS oldest_data, MAX(timestamp) AS newest_data, COUNT(*) AS total_records FROM prices;',
      );
      expect(q1[0]!.total_records).toBe(3n);
      const q2 = await queryRows(
        c,
        'SELECT COUNT(*), MIN(confidence) FROM prices WHERE timestamp > NOW() - INTERVAL 7 DAY AND is_valid = false;',
      );
      expect(Object.values(q2[0]!)).toEqual([1n, 0.1]);
      const q3 = await queryRows(
        c,
        'SELECT AVG(diff_percent), MAX(ABS(diff_percent)), STDDEV(diff_percent) FROM prices WHERE is_valid = true;',
      );
      const [avg, max] = Object.values(q3[0]!) as number[];
      expect(avg).toBeCloseTo((1 + -1) / 2, 10);
      expect(max).toBeCloseTo(1, 10);
    });
  });

  it('the schema refuses NaN and non-positive prices', async () => {
    const db = tmpDb();
    await withDatabase(db, async (c) => {
      await migrate(c, priceDbSchema);
      const insert = (price: number) =>
        c.run(
          `INSERT INTO prices VALUES ('x', now()::TIMESTAMP, $1, NULL, 0.5, 1, NULL, NULL, false, 1, 2, 'h', 1, 1, 1)`,
          [price],
        );
      await expect(insert(Number.NaN)).rejects.toThrow(/CHECK/i);
      await expect(insert(0)).rejects.toThrow(/CHECK/i);
    });
  });
});
