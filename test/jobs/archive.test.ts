import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchive, type ArchiveOptions } from '../../src/jobs/archive.js';
import { fixedClock } from '../../src/lib/clock.js';
import { dbSums, generatePriceDb, generateWhaleDb } from '../backup/generate.js';
import { makeEnv, run, type TestEnv } from '../backup/helpers.js';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { ARCHIVED, archiveFiles, oldRowCount, unionSums } from '../archive/union.js';

const NOW = new Date();
const archive = (t: TestEnv, o: ArchiveOptions = {}, dryRun = false) =>
  run(t, 'archive', (ctx) => runArchive(o, ctx), { json: true, dryRun }, { clock: fixedClock(NOW.getTime()) });

let t: TestEnv;
let original: Awaited<ReturnType<typeof unionSums>>;

beforeAll(async () => {
  t = makeEnv('archive-job-');
  await generatePriceDb(t.priceDb, { end: NOW });
  await generateWhaleDb(t.whaleDb, { end: NOW });
  original = await unionSums(t);
});
afterAll(() => fs.rmSync(t.dir, { recursive: true, force: true }));

describe('archive job', () => {
  it('--dry-run lists what would move per table and month, and writes nothing', async () => {
    const before = { price: await dbSums(t.priceDb), whale: await dbSums(t.whaleDb) };
    const { code, doc } = await archive(t, {}, true);
    expect(code).toBe(0);
    const cutoff = new Date(NOW.getTime() - 90 * 86_400_000);
    for (const a of ARCHIVED) {
      const planned = doc.plan.filter((u: { db: string; table: string }) => u.db === a.db && u.table === a.table);
      expect(planned.reduce((n: number, u: { rows: number }) => n + u.rows, 0)).toBe(await oldRowCount(t, a, cutoff));
      // A year of data, 90 days kept: about nine months move, each named YYYY-MM.
      if (a.table === 'prices') expect(planned.length).toBeGreaterThanOrEqual(9);
      for (const u of planned) expect(u.month).toMatch(/^\d{4}-\d{2}$/);
    }
    expect(fs.existsSync(t.archiveDir)).toBe(false);
    expect({ price: await dbSums(t.priceDb), whale: await dbSums(t.whaleDb) }).toEqual(before);
  });

  it('moves old rows to Parquet partitioned by table and month; every row is in exactly one place', async () => {
    const { code, doc } = await archive(t);
    expect(code).toBe(0);
    expect(doc.rows_moved).toBeGreaterThan(0);
    const files = archiveFiles(t.archiveDir);
    for (const f of files)
      expect(path.relative(t.archiveDir, f)).toMatch(
        /^table=[a-z_]+\/month=\d{4}-\d{2}\/(price|whale)-\d+-[0-9a-f]+\.parquet$/,
      );
    const cutoff = new Date(NOW.getTime() - 90 * 86_400_000);
    for (const a of ARCHIVED) expect(await oldRowCount(t, a, cutoff)).toBe(0);
    expect(await unionSums(t)).toEqual(original);
    for (const s of doc.sizes) expect(s.before_bytes).toBeGreaterThan(0);
    // The documented read-back query (what an operator types into the duckdb CLI) sees every moved row.
    const glob = path.join(t.archiveDir, 'table=prices/*/*.parquet');
    const viaGlob = await withDatabase(':memory:', (c) =>
      queryRows(
        c,
        `SELECT count(*) AS n, count(DISTINCT month) AS months, min("table") AS tbl FROM read_parquet('${glob}', hive_partitioning = true)`,
      ),
    );
    const pricesMoved = doc.moved
      .filter((m: { table: string }) => m.table === 'prices')
      .reduce((n: number, m: { deleted: number }) => n + m.deleted, 0);
    expect(viaGlob[0]).toMatchObject({ n: BigInt(pricesMoved), tbl: 'prices' });
    expect(Number(viaGlob[0]!.months)).toBeGreaterThanOrEqual(9);
    // Tables that are not archived are untouched.
    expect((await dbSums(t.whaleDb)).whale_heartbeat!.rows).toBe(365);
  });

  it('a re-run moves nothing and writes no new file', async () => {
    const files = archiveFiles(t.archiveDir);
    const { code, doc } = await archive(t);
    expect(code).toBe(0);
    expect(doc.rows_moved).toBe(0);
    expect(archiveFiles(t.archiveDir)).toEqual(files);
    expect(await unionSums(t)).toEqual(original);
  });

  it("--restore MONTH puts the rows back and removes that month's files", async () => {
    const month = new Date(NOW.getTime() - 200 * 86_400_000).toISOString().slice(0, 7);
    const before = (await dbSums(t.priceDb)).prices!.rows;
    const { code, doc } = await archive(t, { restoreMonth: month });
    expect(code).toBe(0);
    const prices = doc.restored.find((r: { db: string; table: string }) => r.db === 'price' && r.table === 'prices');
    expect(prices.inserted).toBeGreaterThan(600);
    expect((await dbSums(t.priceDb)).prices!.rows).toBe(before + prices.inserted);
    expect(archiveFiles(t.archiveDir).some((f) => f.includes(`month=${month}`))).toBe(false);
    expect(await unionSums(t)).toEqual(original);
  });

  it.each([
    ['2025-13', 2],
    ['July', 2],
    ['1990-01', 0],
  ])('--restore %s -> exit %i', async (month, want) => {
    const { code } = await archive(t, { restoreMonth: month });
    expect(code).toBe(want);
  });
});
