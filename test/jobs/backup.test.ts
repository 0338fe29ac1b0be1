import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup, type BackupMode } from '../../src/jobs/backup.js';
import { acquireJobLock } from '../../src/lock/jobLock.js';
import { verifyBackupFile } from '../../src/backup/verify.js';
import type { TableSums } from '../../src/store/checksum.js';
import { dbSums, generatePriceDb, generateWhaleDb } from '../backup/generate.js';
import { daysAgo, exec, flipBytes, makeEnv, run, today, type TestEnv } from '../backup/helpers.js';

const backup = (t: TestEnv, mode: BackupMode, flags = { json: true, dryRun: false }) =>
  run(t, 'backup', (ctx) => runBackup(mode, ctx), flags, { lock: mode.kind === 'backup' || mode.kind === 'restore' });

let t: TestEnv;
let original: { price: TableSums; whale: TableSums };

beforeAll(async () => {
  t = makeEnv('backup-job-');
  await generatePriceDb(t.priceDb, { end: new Date() });
  await generateWhaleDb(t.whaleDb, { end: new Date() });
  original = { price: await dbSums(t.priceDb), whale: await dbSums(t.whaleDb) };
});
afterAll(() => fs.rmSync(t.dir, { recursive: true, force: true }));

describe('backup job', () => {
  it('writes a verified copy of each database whose tables equal the source at copy time', async () => {
    const { code, doc } = await backup(t, { kind: 'backup' });
    expect(code).toBe(0);
    const priceFile = path.join(t.backupDir, `utxoracle_cache_${today()}.db`);
    const whaleFile = path.join(t.backupDir, `mempool_predictions_${today()}.db`);
    expect(doc.backups.map((b: { file: string }) => b.file)).toEqual([priceFile, whaleFile]);
    for (const [file, sums] of [
      [priceFile, original.price],
      [whaleFile, original.whale],
    ] as const) {
      const v = await verifyBackupFile(file);
      expect(v.problems).toEqual([]);
      expect(v.actual).toEqual(sums);
    }
    // No temp file, no WAL left in the backup directory.
    expect(fs.readdirSync(t.backupDir).sort()).toEqual([
      `mempool_predictions_${today()}.db`,
      `utxoracle_cache_${today()}.db`,
    ]);
  });

  it('a second backup the same day gets its own name and leaves the first one intact', async () => {
    const first = path.join(t.backupDir, `utxoracle_cache_${today()}.db`);
    const before = fs.statSync(first);
    const { code, doc } = await backup(t, { kind: 'backup' });
    expect(code).toBe(0);
    const second = doc.backups[0].file as string;
    expect(path.basename(second)).toMatch(new RegExp(`^utxoracle_cache_${today()}-\\d{6}\\.db$`));
    expect(fs.statSync(first).ino).toBe(before.ino);
    expect((await verifyBackupFile(first)).ok).toBe(true);
  });

  it('--list shows date, size, verified and row counts from the backups table', async () => {
    const { code, doc } = await backup(t, { kind: 'list' });
    expect(code).toBe(0);
    const price = doc.backups.filter((b: { role: string }) => b.role === 'price');
    expect(price).toHaveLength(2);
    for (const b of price) {
      expect(b).toMatchObject({ date: today(), verified: true });
      expect(b.sizeBytes).toBeGreaterThan(100_000);
      expect(b.rowCounts.prices).toBe(original.price.prices!.rows);
    }
    const text = await backup(t, { kind: 'list' }, { json: false, dryRun: false });
    expect(text.lines.some((l) => l.includes('verified') && l.includes(`utxoracle_cache_${today()}.db`))).toBe(true);
  });

  it('--dry-run names the backup it would write and writes nothing', async () => {
    const files = fs.readdirSync(t.backupDir).sort();
    const { code, doc } = await backup(t, { kind: 'backup' }, { json: true, dryRun: true });
    expect(code).toBe(0);
    expect(doc.dry_run).toBe(true);
    expect(doc.backups[0].sums.prices.rows).toBe(original.price.prices!.rows);
    expect(fs.readdirSync(t.backupDir).sort()).toEqual(files);
  });

  // Each row: how to spoil a copy of a good backup, and the exit code --verify must give.
  const spoilers: [string, number, (f: string) => Promise<void> | void][] = [
    ['intact copy', 0, () => undefined],
    ['bytes flipped in every block', 1, flipBytes],
    ['truncated to half', 1, (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2))],
    [
      'one row changed after the backup',
      1,
      (f) => exec(f, "UPDATE prices SET utxoracle_price = utxoracle_price + 1 WHERE run_id = 'p-5'"),
    ],
    ['one row deleted after the backup', 1, (f) => exec(f, "DELETE FROM prices WHERE run_id = 'p-6'")],
    ['manifest removed (not our backup)', 1, (f) => exec(f, 'DROP TABLE _backup_manifest')],
    ['empty file', 1, (f) => fs.writeFileSync(f, '')],
    ['not a database', 1, (f) => fs.writeFileSync(f, 'hello'.repeat(10_000))],
  ];
  it.each(spoilers)('--verify: %s -> exit %i', async (_name, want, spoil) => {
    const good = path.join(t.backupDir, `utxoracle_cache_${today()}.db`);
    const f = path.join(t.dir, `spoiled-${Math.random().toString(16).slice(2)}.db`);
    fs.copyFileSync(good, f);
    await spoil(f);
    const { code, doc } = await backup(t, { kind: 'verify', file: f });
    expect(code).toBe(want);
    expect(doc.ok).toBe(want === 0);
    if (want !== 0) expect(doc.problems.length).toBeGreaterThan(0);
  });

  it.each([
    [
      'a text file',
      (f: string) => fs.writeFileSync(f, 'not a database\n'.repeat(500)),
      'cannot read: not a DuckDB database file',
    ],
    [
      'a truncated backup',
      (f: string) => {
        fs.copyFileSync(path.join(t.backupDir, `utxoracle_cache_${today()}.db`), f);
        fs.truncateSync(f, 5000);
      },
      'cannot read: a truncated or damaged DuckDB file (it ends too early)',
    ],
  ])('--verify of %s says so in plain words, exit 1', async (_name, make, problem) => {
    const f = path.join(t.dir, `plain-${_name.replace(/\W/g, '')}.db`);
    make(f);
    const { code, doc } = await backup(t, { kind: 'verify', file: f });
    expect(code).toBe(1);
    expect(doc.problems).toEqual([problem]);
  });

  it('--verify of a missing file is a usage error naming the file', async () => {
    const { code, doc } = await backup(t, { kind: 'verify', file: path.join(t.dir, 'nope.db') });
    expect(code).toBe(2);
    expect(doc.error).toContain('nope.db');
  });

  it('--restore refuses a corrupted backup and leaves the database alone', async () => {
    const f = path.join(t.dir, 'bad-restore.db');
    fs.copyFileSync(path.join(t.backupDir, `utxoracle_cache_${today()}.db`), f);
    flipBytes(f);
    const { code } = await backup(t, { kind: 'restore', file: f });
    expect(code).toBe(1);
    const now = await dbSums(t.priceDb);
    expect(now.prices).toEqual(original.price.prices);
  });

  it('--restore refuses (exit 4) while a job that writes the database holds its lock', async () => {
    const lock = acquireJobLock(path.join(t.dir, 'locks'), 'analyze');
    try {
      const { code } = await backup(t, {
        kind: 'restore',
        file: path.join(t.backupDir, `utxoracle_cache_${today()}.db`),
      });
      expect(code).toBe(4);
    } finally {
      lock.release();
    }
  });

  it('--restore swaps in the backup, keeps the replaced database and reports the row changes', async () => {
    await exec(t.priceDb, "DELETE FROM prices WHERE run_id LIKE 'p-1%'");
    await exec(
      t.priceDb,
      `INSERT INTO daily_prices SELECT DATE '1999-01-01', price, rough_price, first_height, last_height,
         first_time, last_time, last_hash, tx_count, output_count, point_count, points_in_window, dev, dev_pct,
         confidence, computed_at, run_id FROM daily_prices LIMIT 1`,
    );
    const damaged = await dbSums(t.priceDb);
    const dry = await backup(
      t,
      { kind: 'restore', file: path.join(t.backupDir, `utxoracle_cache_${today()}.db`) },
      { json: true, dryRun: true },
    );
    expect(dry.code).toBe(0);
    expect(await dbSums(t.priceDb)).toEqual(damaged);

    const { code, doc } = await backup(t, {
      kind: 'restore',
      file: path.join(t.backupDir, `utxoracle_cache_${today()}.db`),
    });
    expect(code).toBe(0);
    const r = doc.restore;
    expect(r.changes.find((c: { table: string }) => c.table === 'prices')).toEqual({
      table: 'prices',
      before: damaged.prices!.rows,
      after: original.price.prices!.rows,
    });
    expect(r.changes.find((c: { table: string }) => c.table === 'daily_prices')).toEqual({
      table: 'daily_prices',
      before: 366,
      after: 365,
    });
    const restored = await dbSums(t.priceDb);
    for (const table of ['prices', 'daily_prices', 'alert_events', 'schema_version'])
      expect(restored[table]).toEqual(original.price[table]);
    expect(r.preRestore).toMatch(/utxoracle_cache\.db\.pre-restore-\d{8}T\d{6}Z$/);
    expect((await dbSums(r.preRestore)).prices).toEqual(damaged.prices);
    expect(restored._backup_manifest).toBeUndefined();
  });
});

describe('backup retention', () => {
  it('when every backup is old, keeps the newest verified one per database; never touches foreign files', async () => {
    const r = makeEnv('backup-ret-');
    try {
      await generatePriceDb(r.priceDb, { end: new Date(), days: 10 });
      expect((await backup(r, { kind: 'backup' })).code).toBe(0);
      const good = path.join(r.backupDir, `utxoracle_cache_${today()}.db`);
      const old = (d: number) => path.join(r.backupDir, `utxoracle_cache_${daysAgo(d)}.db`);
      for (const d of [40, 50, 60]) fs.copyFileSync(good, old(d));
      flipBytes(old(40)); // the newest old one is corrupt: it must not be the one kept
      const foreign = [
        'notes.txt',
        'utxoracle_cache_backup.db',
        `other_${daysAgo(90)}.db`,
        `utxoracle_cache_${daysAgo(90)}.db.keep`,
      ];
      for (const f of foreign) fs.writeFileSync(path.join(r.backupDir, f), 'not ours');
      fs.rmSync(good);
      // Backups have failed for weeks: the databases are gone; retention still runs and must keep one.
      fs.renameSync(r.priceDb, `${r.priceDb}.away`);
      const { code, doc } = await backup(r, { kind: 'backup' });
      expect(code).toBe(1);
      expect(doc.retention.kept_newest_verified).toEqual([path.basename(old(50))]);
      expect(fs.readdirSync(r.backupDir).sort()).toEqual([...foreign, path.basename(old(50))].sort());
    } finally {
      fs.rmSync(r.dir, { recursive: true, force: true });
    }
  });
});
