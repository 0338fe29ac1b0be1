// A busy node behind a flaky proxy: with a fifth of all node requests answering 503 (Core's work
// queue) or a proxy's 500 page, the cron run, a date and a range are still priced, to the same
// digits as against a healthy node.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';

describe('analyze with 20% of node requests failing with 503 or 500', () => {
  let e: AnalyzeEnv;
  let healthy: { recent: number; day: number };
  beforeAll(async () => {
    e = await startAnalyzeEnv({ seed: 51 });
    const recent = await e.run({ mode: 'recent' }, { dryRun: true });
    const day = await e.run({ mode: 'date', date: '2025-06-01' }, { dryRun: true });
    healthy = { recent: recent.doc.utxoracle_price, day: day.doc.utxoracle_price };
  });
  afterAll(() => e.close());

  it('prices the recent window, the finished day, a day from nothing and a range', async () => {
    e.node.injectRandomFaults({ rate: 0.2, kinds: ['503', 'proxy500'], seed: 1 });
    const before = e.node.requests.length;
    try {
      const recent = await e.run({ mode: 'recent' });
      expect(recent.code).toBe(0);
      expect(recent.doc.utxoracle_price).toBe(healthy.recent);
      // The day from nothing: every block of it fetched through the faults.
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'analyze-faults-'));
      const cold = await e.run(
        { mode: 'date', date: '2025-06-01' },
        { dryRun: true, env: { UTXORACLE_DATA_DIR: empty } },
      );
      fs.rmSync(empty, { recursive: true, force: true });
      expect(cold.code).toBe(0);
      expect(cold.doc.blocks_from_node).toBeGreaterThan(100);
      expect(cold.doc.utxoracle_price).toBe(healthy.day);
      const filled = await e.run({ mode: 'range', from: '2025-06-01', to: '2025-06-01', force: true });
      expect(filled.code).toBe(0);
      expect(filled.doc.days).toEqual([{ date: '2025-06-01', price: healthy.day }]);
      const failures = e.node.requests.slice(before).filter((r) => r.status === 503 || r.status === 500).length;
      expect(failures).toBeGreaterThan(10); // the faults really were there
    } finally {
      e.node.injectRandomFaults({ rate: 0, kinds: [] });
    }
  }, 120_000);
});
