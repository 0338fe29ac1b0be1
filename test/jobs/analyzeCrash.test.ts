import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';
import { runBin } from '../helpers/bins.js';
import { createPrng } from '../fakes/chain/index.js';

describe('analyze killed with SIGKILL at a random point', () => {
  let e: AnalyzeEnv;
  beforeAll(async () => {
    e = await startAnalyzeEnv({ seed: 31 });
  });
  afterAll(() => e.close());

  it('leaves no partial row, no stuck lock and no torn cache entry; the next run is correct', async () => {
    const db = path.join(e.dataDir, 'utxoracle_cache.db');
    const prng = createPrng('analyze-crash');
    const env = { ...e.env, LOG_LEVEL: 'info' };
    let killedRuns = 0;
    for (let i = 0; i < 4; i++) {
      const child = runBin('analyze', ['--json'], env);
      // Somewhere between start-up and the end of the run (a run here takes ~1-4 s).
      const delay = prng.int(150, 2_500);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const r = await child;
      clearTimeout(timer);
      if (r.signal === 'SIGKILL') killedRuns++;
      else expect(r.exitCode).toBe(0);
    }
    expect(killedRuns).toBeGreaterThan(0);
    // Cache entries are written to a temp name then renamed: any real-named entry decodes.
    const cacheDir = path.join(e.dataDir, 'block-cache');
    const { decodeSummary } = await import('../../src/summary/codec.js');
    if (fs.existsSync(cacheDir))
      for (const f of fs.readdirSync(cacheDir).filter((n) => n.endsWith('.uxs')))
        decodeSummary(fs.readFileSync(path.join(cacheDir, f)));
    const before = fs.existsSync(db)
      ? await withDatabase(db, (c) => queryRows(c, 'SELECT run_id, utxoracle_price FROM prices'))
      : [];
    const final = await runBin('analyze', ['--json'], env);
    expect(final.exitCode).toBe(0);
    const doc = JSON.parse(final.stdout);
    const rows = await withDatabase(db, (c) => queryRows(c, 'SELECT run_id, utxoracle_price, is_valid FROM prices'));
    expect(rows).toHaveLength(before.length + 1);
    // Every row ever saved is a whole, valid row with the same consensus price.
    for (const r of rows) {
      expect(r.utxoracle_price).toBe(doc.utxoracle_price);
      expect(r.is_valid).toBe(true);
    }
    expect(fs.readdirSync(cacheDir).some((n) => n.includes('.tmp-'))).toBe(false); // pruned by the good run
  }, 120_000);

  it('never puts the cookie secret in logs, errors or --json output', async () => {
    const secret = fs.readFileSync(e.node.cookiePath, 'utf8').trim().split(':')[1]!;
    const r = await runBin('analyze', ['--json', '--verbose'], e.env);
    const wrong = await runBin('analyze', ['--json'], {
      ...e.env,
      BITCOIN_RPC_COOKIE_FILE: '',
      BITCOIN_RPC_USER: '__cookie__',
      BITCOIN_RPC_PASSWORD: 'not-the-secret-pw',
    });
    expect(wrong.exitCode).toBe(1);
    for (const text of [r.stdout, r.stderr, wrong.stdout, wrong.stderr]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('not-the-secret-pw');
    }
  });
});
