import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBackupName } from '../../src/backup/names.js';
import { verifyBackupFile } from '../../src/backup/verify.js';
import type { TableSums } from '../../src/store/checksum.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { binEnv, buildBins } from './build.js';
import { dbSums, generatePriceDb, generateWhaleDb } from './generate.js';
import { daysAgo, makeEnv, today, type TestEnv } from './helpers.js';

// SIGKILL at each named point of a backup run (crashPoint.ts), then check: the databases are
// untouched, no file with a good backup name fails verification; then a plain re-run succeeds.
const POINTS = [
  'backup:after-copy',
  'backup:after-commit',
  'backup:after-verify',
  'backup:after-publish',
  'backup:after-copy#2', // during the second database (whale)
  'backup:before-record',
  'backup:retention-after-remove',
];

const BIN = path.join(REPO_ROOT, 'bin/backup.js');
let template: TestEnv;
let seeds: string[];
const data = (s: TableSums) =>
  Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'backups' && k !== 'job_runs'));
let original: { price: Record<string, unknown>; whale: Record<string, unknown> };

beforeAll(async () => {
  await buildBins();
  template = makeEnv('backup-crash-tpl-');
  await generatePriceDb(template.priceDb, { end: new Date(), pricesPerDay: 6 });
  await generateWhaleDb(template.whaleDb, { end: new Date(), whalesPerDay: 4 });
  original = { price: data(await dbSums(template.priceDb)), whale: data(await dbSums(template.whaleDb)) };
  // Old good backups to seed retention with: take real ones, then rename them into the past.
  const seedDir = makeEnv('backup-crash-seed-');
  for (const f of [template.priceDb, template.whaleDb]) fs.copyFileSync(f, path.join(seedDir.dir, path.basename(f)));
  const r = await execa('node', [BIN], { env: binEnv(seedDir.dir), extendEnv: false, reject: false });
  expect(r.exitCode).toBe(0);
  seeds = fs.readdirSync(seedDir.backupDir).map((f) => path.join(seedDir.backupDir, f));
}, 120_000);
afterAll(() => fs.rmSync(template.dir, { recursive: true, force: true }));

/** Every file with a good backup name verifies (the seeded old backups, which no run writes, excepted). */
async function goodNamedFilesVerify(dir: string, seeded: Set<string>): Promise<string[]> {
  const bad: string[] = [];
  for (const f of fs.readdirSync(dir)) {
    if (!parseBackupName(f) || seeded.has(f)) continue;
    const v = await verifyBackupFile(path.join(dir, f));
    if (!v.ok) bad.push(`${f}: ${v.problems.join('; ')}`);
  }
  return bad;
}

describe('backup survives SIGKILL at every step', () => {
  it.each(POINTS)(
    'crash at %s',
    async (point) => {
      const t = makeEnv('backup-crash-');
      try {
        for (const f of [template.priceDb, template.whaleDb]) fs.copyFileSync(f, path.join(t.dir, path.basename(f)));
        fs.mkdirSync(t.backupDir);
        const seeded = new Set<string>();
        for (const [i, s] of seeds.entries()) {
          const name = parseBackupName(path.basename(s))!;
          const old = path.basename(s).replace(name.date, daysAgo(40 + i * 10));
          fs.copyFileSync(s, path.join(t.backupDir, old));
          seeded.add(old);
        }
        const crashed = await execa('node', [BIN, '--json'], {
          env: binEnv(t.dir, point),
          extendEnv: false,
          reject: false,
        });
        expect(crashed.signal, `the run must reach ${point}`).toBe('SIGKILL');
        expect(data(await dbSums(t.priceDb))).toEqual(original.price);
        expect(data(await dbSums(t.whaleDb))).toEqual(original.whale);
        expect(await goodNamedFilesVerify(t.backupDir, seeded)).toEqual([]);

        const again = await execa('node', [BIN, '--json'], { env: binEnv(t.dir), extendEnv: false, reject: false });
        expect(again.exitCode, again.stderr).toBe(0);
        const files = fs.readdirSync(t.backupDir);
        expect(files.filter((f) => f.startsWith('.tmp'))).toEqual([]);
        expect(files.some((f) => f.startsWith(`utxoracle_cache_${today()}`))).toBe(true);
        expect(files.some((f) => f.startsWith(`mempool_predictions_${today()}`))).toBe(true);
        expect(await goodNamedFilesVerify(t.backupDir, seeded)).toEqual([]);
      } finally {
        fs.rmSync(t.dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
