import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../src/cli/harness.js';
import { healthCheckMain } from '../../src/jobs/healthCheck.js';
import { runBackup } from '../../src/jobs/backup.js';
import { fixedClock } from '../../src/lib/clock.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';
import type { JsonDoc } from '../helpers/json.js';
import { seedWhaleDb, HEALTHY_WHALE_AGES } from './seed.js';

// The runbook's schedules (analyze every 5, 10, 15, 60 minutes, every 6 hours), each with its jobs
// run on time: real analyze runs at the cadence's times (the harness clock set to each start), a
// real backup, a live whale-watch heartbeat; then health-check with ANALYSIS_INTERVAL_MINUTES as the
// operator's .env says. Every one must be HEALTHY: a suite running on time is never DEGRADED for
// ever because its cadence is not ten minutes.

const SCHEDULES = [5, 10, 15, 60, 360];

let e: AnalyzeEnv;
beforeAll(async () => {
  // A live node: its tip mined a minute ago, so the tip-age check is about the node, not the fixture.
  e = await startAnalyzeEnv({ seed: 17, date: '2025-06-01', tipAt: Math.floor(Date.now() / 1000) - 60 });
});
afterAll(() => e.close());

describe.each(SCHEDULES)('analyze every %i minutes', (minutes) => {
  it('with its runs on time, health-check is HEALTHY', async () => {
    const env = {
      ...e.env,
      UTXORACLE_DATA_DIR: path.join(e.dataDir, `every-${minutes}`),
      ANALYSIS_INTERVAL_MINUTES: String(minutes),
      ELECTRS_API_URL: 'none',
      HEALTH_DISK_WARN_PCT: '100',
      HEALTH_DISK_CRIT_PCT: '100',
    };
    const now = Date.now();
    // The cron starts of the last two windows' worth (the oldest at least a window ago: not a fresh install).
    const windowMin = Math.max(60, 2 * minutes);
    const starts = Math.floor(windowMin / minutes) + 1;
    for (let k = starts - 1; k >= 0; k--) {
      const r = await e.run({ mode: 'recent' }, { env, clock: fixedClock(now - k * minutes * 60_000 - 30_000) });
      expect(r.code, JSON.stringify(r.doc)).toBe(0);
    }
    const backup = await runJob({
      job: 'backup',
      flags: { json: true },
      env,
      stdout: () => undefined,
      main: (ctx) => runBackup({ kind: 'backup' }, ctx),
    });
    expect(backup).toBe(0);
    await seedWhaleDb(path.join(env.UTXORACLE_DATA_DIR, 'mempool_predictions.db'), HEALTHY_WHALE_AGES, Date.now());

    const out: string[] = [];
    const code = await runJob({
      job: 'health-check',
      flags: { json: true },
      recordRun: false,
      env,
      stdout: (l) => out.push(l),
      main: (ctx) => healthCheckMain({ alert: false }, ctx),
    });
    const doc = JSON.parse(out[0]!) as JsonDoc;
    const notOk = (doc.checks as { check: string; state: string; message: string }[]).filter((c) => c.state !== 'OK');
    expect(notOk).toEqual([]);
    expect(doc.status).toBe('HEALTHY');
    expect(code).toBe(0);
    const runs = doc.checks.find((c: { check: string }) => c.check === 'analyze_runs');
    expect(runs.figure).toBeGreaterThanOrEqual(Math.floor(windowMin / minutes));
  });
});
