import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../src/cli/harness.js';
import { runLatest } from '../../src/jobs/analyzeLatest.js';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';
import { runBin } from '../helpers/bins.js';
import { holdDatabase } from '../helpers/holdDb.js';
import type { JsonDoc } from '../helpers/json.js';

// analyze --latest: the newest saved row for pipelines, read-only and without the node.

let e: AnalyzeEnv;
beforeAll(async () => {
  e = await startAnalyzeEnv({ seed: 9, date: '2025-06-01' });
});
afterAll(() => e.close());

/** The node is not needed: its URL points nowhere and there is no credential. */
const offline = () => ({
  ...e.env,
  BITCOIN_RPC_URL: 'http://127.0.0.1:9',
  BITCOIN_RPC_COOKIE_FILE: path.join(e.dataDir, 'no-such-cookie'),
  LOG_LEVEL: 'error',
});

async function latest(env: Record<string, string>, json = true) {
  const out: string[] = [];
  const code = await runJob({
    job: 'analyze',
    flags: { json },
    lock: false,
    recordRun: false,
    env,
    stdout: (l) => out.push(l),
    main: runLatest,
  });
  return { code, out, doc: json ? (JSON.parse(out[0]!) as JsonDoc) : {} };
}

describe('analyze --latest', () => {
  it('exits 1 while nothing is saved: no database yet, or no row', async () => {
    const db = path.join(e.dataDir, 'utxoracle_cache.db');
    const none = await runBin('analyze', ['--latest'], offline());
    expect(none.exitCode).toBe(1);
    expect(none.stderr.trim().split('\n').at(-1)).toBe(`analyze: database ${db} does not exist (run init-db)`);
    expect((await runBin('init-db', [], offline())).exitCode).toBe(0);
    const r = await runBin('analyze', ['--latest'], offline());
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe(`No price saved yet in ${db}`);
  });

  it('prints the newest row exactly as saved, and the newest daily price', async () => {
    expect((await e.run({ mode: 'recent' })).code).toBe(0);
    const second = await e.run({ mode: 'recent' });
    expect((await e.run({ mode: 'date', date: '2025-06-01' })).code).toBe(0);
    const r = await runBin('analyze', ['--latest', '--json'], offline());
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { latest: Record<string, unknown>; daily: Record<string, unknown> };
    const [row] = await withDatabase(
      path.join(e.dataDir, 'utxoracle_cache.db'),
      (c) => queryRows(c, 'SELECT * FROM prices WHERE run_id = $1', [second.doc.run_id]),
      { readOnly: true },
    );
    expect(doc.latest).toEqual({
      ...row,
      timestamp: (row!.timestamp as Date).toISOString(),
      saved_in: 'primary',
    });
    expect(doc.latest.utxoracle_price).toBe(second.doc.utxoracle_price);
    expect(doc.daily).toMatchObject({ date: '2025-06-01' });
    const text = await runBin('analyze', ['--latest'], offline());
    expect(text.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^Newest price: \$[\d,]+\.\d\d at \d{4}-.*Z \(blocks \d+-\d+, confidence 0\.\d{3}, valid; exchange \$105,500\.00, -?\d+\.\d\d% apart\)$/,
      ),
      expect.stringMatching(/^Newest daily price: \$[\d,]+\.\d\d for 2025-06-01$/),
    ]);
  });

  it('a newer row still in the fallback database is the answer, marked as such', async () => {
    const blocked = path.join(e.dataDir, 'blocked');
    fs.mkdirSync(blocked, { recursive: true });
    const fb = await e.run({ mode: 'recent' }, { env: { DUCKDB_PATH: blocked } });
    expect(fb.code).toBe(3);
    const r = await latest(offline());
    expect(r.code).toBe(0);
    expect(r.doc.latest).toMatchObject({ run_id: fb.doc.run_id, saved_in: 'fallback' });
    const text = await latest(offline(), false);
    expect(text.out[0]).toMatch(/\[in the fallback database, not merged yet\]$/);
    // The next good run merges it: the primary has it again.
    expect((await e.run({ mode: 'recent' })).code).toBe(0);
    expect((await latest(offline())).doc.latest.saved_in).toBe('primary');
  });

  it('waits for a writer holding the database instead of failing (safe beside a running analyze)', async () => {
    const holder = await holdDatabase(path.join(e.dataDir, 'utxoracle_cache.db'), 1_500);
    try {
      const r = await latest(offline());
      expect(r.code).toBe(0);
      expect(r.doc.latest.saved_in).toBe('primary');
    } finally {
      await holder.release();
    }
  });

  it('refuses --latest with a mode or --chart (exit 2)', async () => {
    for (const args of [
      ['--latest', '--recent'],
      ['--latest', '--chart', 'x.svg'],
    ]) {
      const r = await runBin('analyze', args, offline());
      expect(r.exitCode).toBe(2);
    }
  });
});
