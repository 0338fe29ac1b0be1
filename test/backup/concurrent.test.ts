import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../src/jobs/backup.js';
import { verifyBackupFile } from '../../src/backup/verify.js';
import { withDatabase, queryValue } from '../../src/store/duckdb.js';
import { generatePriceDb } from './generate.js';
import { makeEnv, run, type TestEnv } from './helpers.js';

let t: TestEnv;
beforeAll(async () => {
  t = makeEnv('backup-concurrent-');
  await generatePriceDb(t.priceDb, { end: new Date(), pricesPerDay: 6 });
});
afterAll(() => fs.rmSync(t.dir, { recursive: true, force: true }));

describe('backup while another process writes', () => {
  it("takes the file between the writer's transactions: the copy is consistent and equals the source at copy time", async () => {
    const writer = execa('node', [path.join(import.meta.dirname, 'writer.mjs'), t.priceDb], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      reject: false,
    });
    try {
      // Let the writer commit a few transactions first (progress, not time).
      await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
      for (let i = 0; i < 2; i++) {
        const { code, doc } = await run(t, 'backup', (ctx) => runBackup({ kind: 'backup' }, ctx));
        expect(code).toBe(0);
        const file = doc.backups[0].file as string;
        const v = await verifyBackupFile(file);
        expect(v.problems).toEqual([]);
        // The manifest was taken at copy time; the copy equals it, table by table.
        expect(v.actual).toEqual(v.manifest!.sums);
        const pairs = await withDatabase(
          file,
          (c) => queryValue<bigint>(c, "SELECT count(*) FROM prices WHERE run_id LIKE 'w-%'"),
          { readOnly: true },
        );
        expect(Number(pairs) % 2).toBe(0);
      }
    } finally {
      writer.kill('SIGKILL');
      await writer;
    }
    // The writer was not broken by the backups: it still commits.
    const total = await withDatabase(
      t.priceDb,
      (c) => queryValue<bigint>(c, "SELECT count(*) FROM prices WHERE run_id LIKE 'w-%'"),
      { retries: 40 },
    );
    expect(Number(total) % 2).toBe(0);
    expect(Number(total)).toBeGreaterThan(0);
  }, 90_000);
});
