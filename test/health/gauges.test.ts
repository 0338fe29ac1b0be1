import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../src/cli/harness.js';
import { healthCheckMain } from '../../src/jobs/healthCheck.js';
import { newestPriceGauges, whaleGauges } from '../../src/health/gauges.js';
import { renderMetrics } from '../../src/health/prometheus.js';
import { NO_LIVENESS } from '../../src/health/snapshot.js';
import { parseCrontab } from '../ops/crontab.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { makeDataDir, runHealth, startServices, type DataDir, type Services } from './jobFixture.js';
import { parseExposition } from './promParse.js';
import { hasPromtool, NO_PROMTOOL, promtoolCheck } from './promtool.js';
import { addPriceRow, addWhales } from './seed.js';

// The gauges an operator graphs: the newest price and its comparison with the exchange, and what
// whale-watch sees; through the job into the textfile, and that file through promtool.

let s: Services;
beforeAll(async () => {
  s = await startServices();
});
afterAll(async () => {
  await s?.close();
});
const dirs: DataDir[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

const NEWEST = { ageSec: 30, utxoracle: 100_000, mempool: 100_250, confidence: 0.87, valid: true, lastHeight: 880_300 };
const WHALES = [
  { txid: 'a'.repeat(64), ageSec: 7200, btc: 250 },
  // A replacement (RBF) of whale a: the same whale, so neither the newest whale nor a new one.
  { txid: 'b'.repeat(64), root: 'a'.repeat(64), ageSec: 60, btc: 249.9999 },
  { txid: 'c'.repeat(64), ageSec: 600, btc: 1_200.5 },
  { txid: 'd'.repeat(64), ageSec: 2 * 86_400, btc: 5_000 },
];

async function seeded(): Promise<DataDir> {
  const d = await makeDataDir(s);
  dirs.push(d);
  const now = Date.now();
  await addPriceRow(path.join(d.dir, 'utxoracle_cache.db'), NEWEST, now);
  await addWhales(path.join(d.dir, 'mempool_predictions.db'), WHALES, now);
  return d;
}

describe('the dashboard gauges in the textfile', () => {
  it('carry the newest price, its confidence and its diff to the exchange, and whale-watch figures', async () => {
    const before = Date.now() / 1000;
    const r = await runHealth(await seeded());
    const v = (name: string) => r.prom.value(name);
    expect(v('utxoracle_price_usd')).toBe(100_000);
    expect(v('utxoracle_price_exchange_usd')).toBe(100_250);
    // diff_amount = exchange - UTXOracle (README: the row); the ratio is diff_percent / 100.
    expect(v('utxoracle_price_diff_usd')).toBe(250);
    expect(v('utxoracle_price_diff_ratio')).toBeCloseTo(0.0025, 12);
    expect(v('utxoracle_price_confidence')).toBe(0.87);
    expect(v('utxoracle_price_valid')).toBe(1);
    expect(v('utxoracle_price_last_height')).toBe(880_300);
    expect(Math.abs(v('utxoracle_price_newest_timestamp_seconds') - (before - 30))).toBeLessThan(10);
    expect(v('utxoracle_price_age_seconds')).toBeGreaterThanOrEqual(30);
    // The seeded heartbeat (seed.ts): 17 tracked, connected.
    expect(v('utxoracle_whale_tracked')).toBe(17);
    expect(v('utxoracle_whale_connected')).toBe(1);
    // c is the newest first sighting; b is a's replacement; d is older than a day.
    expect(v('utxoracle_whale_last_btc')).toBe(1_200.5);
    expect(Math.abs(v('utxoracle_whale_last_timestamp_seconds') - (before - 600))).toBeLessThan(10);
    expect(v('utxoracle_whale_detected_last_day')).toBe(2);
    for (const name of new Set(r.prom.samples.map((x) => x.name))) {
      expect(r.prom.help.get(name), name).toBeTruthy();
      expect(r.prom.type.get(name), name).toBe('gauge');
    }
  });

  it.skipIf(!hasPromtool)('passes promtool check metrics (the output of a full run)', async () => {
    const r = await runHealth(await seeded());
    const { status, output } = promtoolCheck(r.promText);
    expect(output).toBe('');
    expect(status).toBe(0);
  });
  if (!hasPromtool) it.skip(NO_PROMTOOL, () => undefined);

  it.skipIf(!hasPromtool)('promtool is a real judge: it refuses what it should', () => {
    expect(promtoolCheck('# TYPE x_total gauge\nx_total 1\n').output).toMatch(/no help text/);
    expect(promtoolCheck('a{ 1\n').status).not.toBe(0);
  });
});

describe('gauges without the data', () => {
  it('a row without an exchange price has no exchange or diff samples, not made-up ones', () => {
    const names = newestPriceGauges(
      { utxoraclePrice: 1, mempoolPrice: null, diffAmount: null, confidence: 0.5, isValid: false, lastHeight: 1 },
      1,
    ).map((m) => m.name);
    expect(names).toContain('utxoracle_price_usd');
    expect(names).toContain('utxoracle_price_valid');
    expect(names.filter((n) => /exchange|diff/.test(n))).toEqual([]);
  });

  it('a whale-watch that never ran gives no whale gauges', () => {
    expect(
      whaleGauges({
        lastBeatAt: null,
        connected: null,
        tracked: null,
        lastWhale: null,
        whalesLastDay: null,
        flowsLabelled: null,
        ...NO_LIVENESS,
      }),
    ).toEqual([]);
    const text = renderMetrics(
      whaleGauges({
        lastBeatAt: 1,
        connected: false,
        tracked: 0,
        lastWhale: null,
        whalesLastDay: 0,
        flowsLabelled: true,
        ...NO_LIVENESS,
      }),
    );
    expect(parseExposition(text).value('utxoracle_whale_connected')).toBe(0);
  });
});

describe('HEALTH_PROMETHEUS_FILE', () => {
  it("is a setting: the crontab's health-check line, run as cron runs it, writes the file .env names", async () => {
    const d = await seeded();
    const prom = path.join(d.dir, 'textfile', 'utxoracle.prom');
    fs.mkdirSync(path.dirname(prom));
    const envFile = path.join(d.dir, '.env');
    // The job's settings, and this one, as an operator's .env would carry them.
    const { UTXORACLE_ENV_FILE: _ignored, ...settings } = d.env;
    fs.writeFileSync(
      envFile,
      Object.entries({ ...settings, HEALTH_PROMETHEUS_FILE: prom })
        .map(([k, val]) => `${k}=${val}`)
        .join('\n') + '\n',
    );
    const { vars, jobs } = parseCrontab(fs.readFileSync(path.join(REPO_ROOT, 'crontab.example'), 'utf8'));
    const line = jobs.find((j) => j.job === 'health-check')!;
    fs.mkdirSync(path.join(d.dir, 'logs'), { recursive: true });
    const r = await execa(vars.get('SHELL')!, ['-c', line.command], {
      env: {
        ...Object.fromEntries(vars),
        PATH: `${path.dirname(process.execPath)}:${vars.get('PATH')}`,
        HOME: d.dir,
        UTXORACLE_HOME: REPO_ROOT,
        UTXORACLE_DATA_DIR: d.dir,
        LOG_DIR: path.join(d.dir, 'logs'),
        UTXORACLE_ENV_FILE: envFile,
      },
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    const log = fs.readFileSync(path.join(d.dir, 'logs', 'health-check.log'), 'utf8');
    expect([0, 3], log).toContain(r.exitCode);
    const e = parseExposition(fs.readFileSync(prom, 'utf8'));
    expect(e.value('utxoracle_price_usd')).toBe(100_000);
    expect(JSON.parse(log.trim().split('\n').at(-1)!).prometheus_file).toBe(prom);
  });

  it('a file in a missing directory is bad configuration, named as the setting (exit 2)', async () => {
    const d = await seeded();
    const out: string[] = [];
    const code = await runJob({
      job: 'health-check',
      flags: { json: true },
      recordRun: false,
      env: { ...d.env, HEALTH_PROMETHEUS_FILE: path.join(d.dir, 'nope', 'x.prom') },
      stdout: (l) => out.push(l),
      main: (ctx) => healthCheckMain({ alert: false }, ctx),
    });
    expect(code).toBe(2);
    expect(JSON.parse(out.at(-1)!).error).toMatch(
      /^HEALTH_PROMETHEUS_FILE ".*nope\/x\.prom": directory .* does not exist/,
    );
  });
});
