import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { binEnv, buildBins } from '../backup/build.js';
import { generatePriceDb, generateWhaleDb } from '../backup/generate.js';
import { makeEnv, type TestEnv } from '../backup/helpers.js';
import { archiveFiles, unionSums } from './union.js';

// SIGKILL at each named point of an archive run (moveMonth.ts), several times into the run, then
// check that no row is lost; re-run, and check every row is in exactly one place (database or a
// verified Parquet part), unaltered, with no temp file left.
const POINTS = [
  'archive:after-select',
  'archive:after-write',
  'archive:after-readback',
  'archive:after-publish',
  'archive:before-commit',
  'archive:after-commit',
  'archive:after-publish#5', // a later table/month, after earlier ones committed
  'archive:before-commit#9',
];

const BIN = path.join(REPO_ROOT, 'bin/archive.js');
const ARGS = ['--older-than', '120d', '--json'];
let template: TestEnv;
let original: Awaited<ReturnType<typeof unionSums>>;

beforeAll(async () => {
  await buildBins();
  template = makeEnv('archive-crash-tpl-');
  await generatePriceDb(template.priceDb, { end: new Date(), days: 200, pricesPerDay: 6 });
  await generateWhaleDb(template.whaleDb, { end: new Date(), days: 200, whalesPerDay: 4 });
  original = await unionSums(template);
}, 120_000);
afterAll(() => fs.rmSync(template.dir, { recursive: true, force: true }));

describe('archive survives SIGKILL at every step', () => {
  it.each(POINTS)(
    'crash at %s',
    async (point) => {
      const t = makeEnv('archive-crash-');
      try {
        for (const f of [template.priceDb, template.whaleDb]) fs.copyFileSync(f, path.join(t.dir, path.basename(f)));
        const crashed = await execa('node', [BIN, ...ARGS], {
          env: binEnv(t.dir, point),
          extendEnv: false,
          reject: false,
        });
        expect(crashed.signal, `the run must reach ${point}`).toBe('SIGKILL');
        // Right after the crash a row may be in a part AND the database (not yet deleted), never nowhere.
        const after = await unionSums(t, { allowDuplicates: true });
        for (const [k, v] of Object.entries(original)) expect(after[k]!.keys, k).toBe(v.rows);

        const again = await execa('node', [BIN, ...ARGS], { env: binEnv(t.dir), extendEnv: false, reject: false });
        expect(again.exitCode, again.stderr).toBe(0);
        expect(await unionSums(t)).toEqual(original);
        expect(archiveFiles(t.archiveDir).length).toBeGreaterThan(0);
        expect(fs.readdirSync(path.join(t.archiveDir, '.tmp'))).toEqual([]);
        // A third run finds nothing left to do.
        const third = await execa('node', [BIN, ...ARGS], { env: binEnv(t.dir), extendEnv: false, reject: false });
        expect(JSON.parse(third.stdout).rows_moved).toBe(0);
      } finally {
        fs.rmSync(t.dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
