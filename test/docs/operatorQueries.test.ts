import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { fixturePath } from '../helpers/paths.js';
import { fillDbs, PRICE_ROWS, type FilledDbs } from './filledDbs.js';

// The SQL of the operator documents, exactly as they print it (test/fixtures/runbook/*.sql, copied
// verbatim from the runbook and the whale detection guide), against databases the suite made: each
// statement runs, and each query finds what the rows say. The runbook's MySQL-style
// DATE_SUB(NOW(), INTERVAL 7 days) works through the macro init-db creates; its interval ÷ interval
// has no DuckDB form, and the tested replacement the docs give is held to it here.

interface Statement {
  where: string;
  sql: string;
}

/** Statements of a .sql fixture: `-- @ where` names the runbook's place (else the comment above it). */
function statements(file: string): Statement[] {
  const out: Statement[] = [];
  let where = '';
  let buf: string[] = [];
  for (const line of fs.readFileSync(fixturePath(file), 'utf8').split('\n')) {
    const tag = /^-- (?:@ )?(.*)$/.exec(line);
    if (buf.length === 0 && (tag || line.trim() === '')) {
      if (tag) where = tag[1]!;
      continue;
    }
    buf.push(line);
    if (line.trimEnd().endsWith(';')) {
      // One line may hold several statements (`DELETE …; VACUUM;`): each is its own.
      for (const sql of buf
        .join('\n')
        .split(/;\s*(?=\S)|;\s*$/)
        .map((x) => x.trim())
        .filter(Boolean))
        out.push({ where, sql });
      buf = [];
    }
  }
  return out;
}

let dbs: FilledDbs;
beforeAll(async () => {
  dbs = await fillDbs();
});
afterAll(() => dbs?.remove());

const run = (db: string, sql: string) => withDatabase(db, (c) => queryRows(c, sql));
const DAYS = (rows: typeof PRICE_ROWS, max: number) => rows.filter((r) => r.days < max);

describe("the whale detection guide's four queries, unchanged", () => {
  const queries = statements('runbook/whale-guide-queries.sql');
  it('are four', () => expect(queries.map((q) => q.where)).toHaveLength(4));

  it.each(statements('runbook/whale-guide-queries.sql').map((q) => [q.where, q.sql]))('%s', async (_where, sql) => {
    const rows = await run(dbs.whaleDb, sql);
    expect(rows.length, sql).toBeGreaterThan(0);
  });

  it('say what the rows say: the newest prediction first, confirmed and dropped outcomes, the 7-day accuracy, memory', async () => {
    const [recent, outcomes, accuracy, memory] = await Promise.all(queries.map((q) => run(dbs.whaleDb, q.sql)));
    expect(recent!.length).toBe(7);
    expect(recent![0]!.txid).toBe((1).toString(16).padStart(64, '0'));
    expect(outcomes!.map((o) => o.outcome_status)).toEqual([
      'confirmed',
      'confirmed',
      'dropped',
      'confirmed',
      'confirmed',
    ]);
    // Within 7 days: two right confirmations (1 h, 30 h old) of four settled.
    expect(accuracy![0]).toMatchObject({ total: 4n, accurate: 2n });
    expect(Number(accuracy![0]!.accuracy_pct)).toBe(50);
    expect(memory!.map((m) => m.value)).toEqual([150, 160, 170]);
  });

  it('and its maintenance statements run too', async () => {
    const copy = path.join(dbs.dir, 'whale-maintenance.db');
    fs.copyFileSync(dbs.whaleDb, copy);
    for (const s of statements('runbook/whale-guide-maintenance.sql')) await run(copy, s.sql);
    const [left] = await run(copy, 'SELECT count(*) AS n FROM mempool_predictions');
    expect(left!.n).toBe(6n); // the 100-day-old prediction is gone
  });
});

describe("the runbook's SQL", () => {
  const all = statements('runbook/runbook-queries.sql');
  const select = all.filter((s) => /^SELECT/i.test(s.sql) && !s.sql.includes('/ INTERVAL'));

  it.each(select.map((q) => [q.where, q.sql]))('%s: runs unchanged and finds rows', async (_where, sql) => {
    const rows = await run(dbs.priceDb, sql);
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.values(rows[0]!).some((v) => v !== null)).toBe(true);
  });

  it('DATE_SUB(NOW(), INTERVAL n days) keeps its meaning: the 7-day invalid rows, the 30-day divergence', async () => {
    const [low] = await run(dbs.priceDb, all.find((s) => s.where.startsWith('Weekly'))!.sql);
    const lastWeekInvalid = DAYS(PRICE_ROWS, 7).filter((r) => !r.valid);
    expect(low).toEqual({
      low_confidence_count: BigInt(lastWeekInvalid.length),
      min_confidence: Math.min(...lastWeekInvalid.map((r) => r.confidence)),
    });
    const [div] = await run(dbs.priceDb, all.find((s) => s.where.startsWith('Monthly 4'))!.sql);
    const valid = DAYS(PRICE_ROWS, 30)
      .filter((r) => r.valid)
      .map((r) => r.diff);
    const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
    expect(Number(div!.avg_diff)).toBeCloseTo(mean, 9);
    expect(Number(div!.max_diff)).toBeCloseTo(Math.max(...valid.map(Math.abs)), 9);
  });

  it("DuckDB's own three-argument date_sub still works beside the runbook's two-argument form", async () => {
    const [r] = await run(dbs.priceDb, "SELECT date_sub('day', DATE '2025-01-01', DATE '2025-01-31') AS d");
    expect(r!.d).toBe(30n);
  });

  it("the quarterly days_of_data (interval ÷ interval) fails in DuckDB; the docs' epoch() form gives the days", async () => {
    const q = all.find((s) => s.sql.includes('/ INTERVAL'))!;
    await expect(run(dbs.priceDb, q.sql)).rejects.toThrow();
    const fixed = q.sql.replace(
      "(MAX(timestamp) - MIN(timestamp)) / INTERVAL '1 day'",
      'epoch(MAX(timestamp) - MIN(timestamp)) / 86400',
    );
    expect(fixed).not.toBe(q.sql);
    const [r] = await run(dbs.priceDb, fixed);
    const span = Math.max(...PRICE_ROWS.map((x) => x.days)) - Math.min(...PRICE_ROWS.map((x) => x.days));
    expect(Number(r!.days_of_data)).toBeCloseTo(span, 3);
  });

  it('its export, delete and VACUUM statements run (on a copy), and delete what they say', async () => {
    const copy = path.join(dbs.dir, 'runbook-maintenance.db');
    fs.copyFileSync(dbs.priceDb, copy);
    const archives = path.join(dbs.dir, 'archives');
    fs.mkdirSync(archives);
    const writes = all.filter((s) => !/^SELECT/i.test(s.sql));
    expect(writes.map((s) => s.sql.split(/\s/)[0])).toEqual(['COPY', 'DELETE', 'DELETE', 'VACUUM', 'DELETE', 'VACUUM']);
    for (const s of writes)
      await run(
        copy,
        s.sql
          .replace('/media/sam/2TB-NVMe/prod/apps/utxoracle/archives/', `${archives}/`)
          .replace('{DATE}', '20261206'),
      );
    const [exported] = await run(copy, `SELECT count(*) AS n FROM read_parquet('${archives}/*.parquet')`);
    expect(exported!.n).toBe(BigInt(PRICE_ROWS.filter((r) => r.days > 90).length));
    const [left] = await run(copy, 'SELECT count(*) AS n FROM prices');
    expect(left!.n).toBe(BigInt(DAYS(PRICE_ROWS, 30).length));
  });
});
