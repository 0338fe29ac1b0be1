import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { HEALTHY_PRICES, type PriceSeed } from '../health/seed.js';
import {
  check,
  makeDataDir,
  runHealth,
  startServices,
  type DataDir,
  type RunResult,
  type Services,
} from '../health/jobFixture.js';

// The job against the fakes in each state the runbook names: the lines, the JSON, the parsed
// Prometheus file and the exit code of each.

let s: Services;
beforeAll(async () => {
  s = await startServices();
});
afterAll(async () => {
  await s?.close();
});

const dirs: DataDir[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) d.remove();
  // Put every fake back the way startServices left it.
  s.core.setWarmingUp(false);
  s.electrs.setTip(s.tip);
  s.mempool.setLatency(0);
  await s.mempool.setDown(false);
  s.mempool.setPrice(67_234.56, Math.floor(Date.now() / 1000));
});

const KEYS = [
  'bitcoind',
  'tip_age',
  'electrs',
  'mempool',
  'db_size',
  'price_age',
  'price_validity',
  'price_divergence',
  'analyze_runs',
  'backup_age',
  'whale_heartbeat',
  'disk',
];
const STATE_NUM: Record<string, number> = { OK: 0, WARN: 1, CRIT: 2 };
const ICON: Record<string, string> = { OK: '✅', WARN: '⚠️', CRIT: '❌' };

interface Row {
  name: string;
  setup?: (s: Services) => void | Promise<void>;
  seed?: PriceSeed;
  env?: Record<string, string>;
  status: 'HEALTHY' | 'DEGRADED' | 'UNHEALTHY';
  code: number;
  /** Checks expected not to be OK; every other check must be OK. */
  notOk: Record<string, 'WARN' | 'CRIT'>;
  /** Lines that must be printed. */
  lines: RegExp[];
  /** Gauges and their expected values (numbers, or a predicate). */
  gauges?: Record<string, number | ((v: number) => boolean)>;
  more?: (r: RunResult) => void;
}

const rows: Row[] = [
  {
    name: 'all up',
    status: 'HEALTHY',
    code: 0,
    notOk: {},
    lines: [
      /^✅ Bitcoin Core RPC: OK \(height: \d+\)$/,
      /^✅ electrs: OK \(lag: 0 blocks, tip: \d+\)$/,
      /^✅ mempool API: OK \(latency: \d+ ms, price: \$67,234\.56\)$/,
      /^✅ analyze runs: OK \(6 in the last hour\)$/,
      /^✅ whale-watch: OK \(heartbeat \d+ s ago, connected, tracking 17\)$/,
    ],
    gauges: {
      utxoracle_electrs_lag_blocks: 0,
      utxoracle_analyze_runs_last_hour: 6,
      utxoracle_mempool_latency_seconds: (v) => v >= 0 && v < 2,
    },
    more: (r) => {
      expect(r.prom.value('utxoracle_bitcoind_height')).toBe(s.tip);
      expect(check(r, 'bitcoind').figure).toBe(s.tip);
      expect(check(r, 'electrs').threshold).toMatchObject({
        op: '>=',
        warn: 3,
        crit: 11,
        unit: 'blocks',
        text: 'WARN >= 3 blocks, CRIT >= 11 blocks',
      });
    },
  },
  {
    name: 'electrs 5 blocks behind',
    setup: (s) => s.electrs.setTip(s.tip - 5),
    status: 'DEGRADED',
    code: 3,
    notOk: { electrs: 'WARN' },
    lines: [/^⚠️ electrs: WARN \(lag: 5 blocks, tip: \d+\)$/],
    gauges: { utxoracle_electrs_lag_blocks: 5 },
  },
  {
    name: 'electrs 20 blocks behind',
    setup: (s) => s.electrs.setTip(s.tip - 20),
    status: 'UNHEALTHY',
    code: 1,
    notOk: { electrs: 'CRIT' },
    lines: [/^❌ electrs: CRIT \(lag: 20 blocks, tip: \d+\)$/],
    gauges: { utxoracle_electrs_lag_blocks: 20 },
  },
  {
    name: 'mempool slow (3 s)',
    setup: (s) => s.mempool.setLatency(3000),
    status: 'DEGRADED',
    code: 3,
    notOk: { mempool: 'WARN' },
    lines: [/^⚠️ mempool API: WARN \(latency: 3\d\d\d ms, price: \$67,234\.56\)$/],
    gauges: { utxoracle_mempool_latency_seconds: (v) => v >= 3 && v < 5, utxoracle_mempool_up: 1 },
  },
  {
    name: 'mempool down',
    setup: (s) => s.mempool.setDown('refuse'),
    status: 'UNHEALTHY',
    code: 1,
    notOk: { mempool: 'CRIT' },
    lines: [/^❌ mempool API: CRIT \(down: mempool \/api\/v1\/prices: /],
    gauges: { utxoracle_mempool_up: 0 },
    more: (r) => {
      expect(check(r, 'mempool').message).toMatch(/ECONNREFUSED/);
      expect(r.prom.has('utxoracle_mempool_latency_seconds')).toBe(false);
    },
  },
  {
    name: 'mempool without a price (-1)',
    setup: (s) => s.mempool.setPricesBody({ time: 0, USD: -1, EUR: -1 }),
    status: 'DEGRADED',
    code: 3,
    notOk: { mempool: 'WARN' },
    lines: [
      /^⚠️ mempool API: WARN \(latency: \d+ ms, mempool has no exchange price: no USD price \(USD -1\); set MEMPOOL_API_URL=none/,
    ],
  },
  {
    name: 'node warming up',
    setup: (s) => s.core.setWarmingUp(true, 'Loading block index…'),
    status: 'DEGRADED',
    code: 3,
    // electrs answers, but its lag cannot be known without Core's height.
    notOk: { bitcoind: 'WARN', tip_age: 'WARN', electrs: 'WARN' },
    lines: [
      /^⚠️ Bitcoin Core RPC: WARN \(warming up: .*Loading block index…/,
      /^⚠️ Node tip: WARN \(tip age unknown, Bitcoin Core did not answer\)$/,
      /^⚠️ electrs: WARN \(tip: \d+, lag unknown, Bitcoin Core did not answer\)$/,
    ],
    gauges: { utxoracle_bitcoind_up: 1 },
    more: (r) => expect(r.prom.has('utxoracle_bitcoind_height')).toBe(false),
  },
  {
    name: 'stale database (newest price 30 min old)',
    seed: { ...HEALTHY_PRICES, priceAges: [1800, 2400, 3000] },
    status: 'DEGRADED',
    code: 3,
    notOk: { price_age: 'WARN' },
    lines: [/^⚠️ Latest price: WARN \(newest price 30 min old, at /],
    gauges: { utxoracle_price_age_seconds: (v) => v >= 1800 && v < 1900 },
  },
  {
    name: 'stale database (newest price 2 h old)',
    seed: { ...HEALTHY_PRICES, priceAges: [7200, 7800] },
    status: 'UNHEALTHY',
    code: 1,
    notOk: { price_age: 'CRIT' },
    lines: [/^❌ Latest price: CRIT \(newest price 2\.0 h old, at /],
    gauges: { utxoracle_price_age_seconds: (v) => v >= 7200 && v < 7300 },
  },
  {
    name: 'no analyze runs',
    seed: {
      ...HEALTHY_PRICES,
      runs: [{ age: 5400, status: 'failed', message: 'Bitcoin Core RPC getblockhash failed' }],
    },
    status: 'UNHEALTHY',
    code: 1,
    notOk: { analyze_runs: 'CRIT' },
    lines: [
      /^❌ analyze runs: CRIT \(0 in the last hour, last failure 90 min ago: Bitcoin Core RPC getblockhash failed\)$/,
    ],
    gauges: { utxoracle_analyze_runs_last_hour: 0 },
  },
  {
    name: 'node stuck at its tip (WARN)',
    // The fake's tip was mined two minutes ago; thresholds of minutes stand for the defaults' hours.
    env: { HEALTH_TIP_AGE_WARN_MIN: '1', HEALTH_TIP_AGE_CRIT_MIN: '60' },
    status: 'DEGRADED',
    code: 3,
    notOk: { tip_age: 'WARN' },
    lines: [/^⚠️ Node tip: WARN \(tip \d+ mined (1\d\d s|2 min) ago\)$/],
    gauges: { utxoracle_bitcoind_tip_age_seconds: (v) => v >= 120 && v < 300 },
    more: (r) => expect(check(r, 'tip_age').threshold).toMatchObject({ op: '>', warn: 60, crit: 3600, unit: 's' }),
  },
  {
    name: 'node stuck at its tip (CRIT)',
    env: { HEALTH_TIP_AGE_WARN_MIN: '1', HEALTH_TIP_AGE_CRIT_MIN: '1' },
    status: 'UNHEALTHY',
    code: 1,
    notOk: { tip_age: 'CRIT' },
    lines: [/^❌ Node tip: CRIT \(tip \d+ mined /],
  },
  {
    name: 'UTXOracle 6% from the exchange price',
    seed: { ...HEALTHY_PRICES, mempoolPrice: 71_020 },
    status: 'DEGRADED',
    code: 3,
    notOk: { price_divergence: 'WARN' },
    lines: [/^⚠️ Price divergence: WARN \(6\.00% apart on average over the last 6 runs \(at most 6\.00%\)\)$/],
    gauges: { utxoracle_price_divergence_percent: (v) => Math.abs(v - 6) < 1e-9 },
  },
  {
    name: 'UTXOracle 12% from the exchange price',
    seed: { ...HEALTHY_PRICES, mempoolPrice: 75_040 },
    status: 'UNHEALTHY',
    code: 1,
    notOk: { price_divergence: 'CRIT' },
    lines: [/^❌ Price divergence: CRIT \(12\.00% apart/],
  },
  {
    name: 'prices saved without an exchange price',
    // mempool had no price: the rows are not the oracle's fault and there is nothing to compare.
    seed: { ...HEALTHY_PRICES, mempoolPrice: null },
    status: 'HEALTHY',
    code: 0,
    notOk: {},
    lines: [
      /^✅ Price validity: OK \(0 of 6 prices invalid in the last 24 h, 0\.0% \(6 without an exchange price\)\)$/,
      /^✅ Price divergence: OK \(no row with an exchange price to compare with\)$/,
    ],
    more: (r) => expect(r.prom.has('utxoracle_price_divergence_percent')).toBe(false),
  },
  {
    name: 'a full-looking disk (WARN)',
    env: { HEALTH_DISK_WARN_PCT: '0', HEALTH_DISK_CRIT_PCT: '100' },
    status: 'DEGRADED',
    code: 3,
    notOk: { disk: 'WARN' },
    lines: [/^⚠️ Disk: WARN \(\d+\.\d% used, .* free\)$/],
    gauges: { utxoracle_disk_used_ratio: (v) => v > 0 && v <= 1 },
  },
  {
    name: 'a full-looking disk (CRIT)',
    env: { HEALTH_DISK_WARN_PCT: '0', HEALTH_DISK_CRIT_PCT: '0' },
    status: 'UNHEALTHY',
    code: 1,
    notOk: { disk: 'CRIT' },
    lines: [/^❌ Disk: CRIT \(/],
  },
];

describe('health-check against the fakes', () => {
  it.each(rows)('$name -> $status (exit $code)', async (row) => {
    const d = await makeDataDir(s, row.seed);
    dirs.push(d);
    await row.setup?.(s);
    const r = await runHealth(d, row.env);

    // Exit code and overall status, in every output.
    expect(r.code).toBe(row.code);
    expect(r.json.exit_code).toBe(row.code);
    expect(r.json.status).toBe(row.status);
    expect(r.lines.at(-1)).toBe(`Overall Status: ${row.status}`);
    expect(r.prom.value('utxoracle_health_overall')).toBe({ HEALTHY: 0, DEGRADED: 1, UNHEALTHY: 2 }[row.status]);
    // Which block hashing analyze uses here (native when npm ci could build it, see native/build.mjs).
    const addon =
      process.env.UTXORACLE_NATIVE_HASH !== '0' &&
      fs.existsSync(path.join(REPO_ROOT, 'native', 'build', 'blockhash.node'));
    expect(r.json.hashing).toEqual({ path: addon ? 'native' : 'typescript', detail: expect.any(String) });

    // Every check, in order, in the lines, the JSON and the Prometheus file, with the same state.
    expect(r.json.checks.map((c) => c.check)).toEqual(KEYS);
    expect(r.lines).toHaveLength(KEYS.length + 2);
    for (const [i, key] of KEYS.entries()) {
      const want = row.notOk[key] ?? 'OK';
      const c = check(r, key);
      expect(c.state, `${key}: ${c.message}`).toBe(want);
      // The lines come from a separate run, so figures that move (latency, ages) may differ there.
      expect(
        r.lines[i]!.startsWith(`${ICON[want]} ${c.label}: ${want} (`) && r.lines[i]!.endsWith(')'),
        r.lines[i],
      ).toBe(true);
      expect(r.prom.value('utxoracle_health_check_state', { check: key })).toBe(STATE_NUM[want]);
      expect(c.duration_ms).toBeGreaterThanOrEqual(0);
      expect(r.prom.value('utxoracle_health_check_duration_seconds', { check: key })).toBeGreaterThanOrEqual(0);
    }
    for (const re of row.lines)
      expect(
        r.lines.some((l) => re.test(l)),
        `no line matches ${re}\n${r.lines.join('\n')}`,
      ).toBe(true);
    for (const [name, want] of Object.entries(row.gauges ?? {})) {
      const v = r.prom.value(name);
      if (typeof want === 'number') expect(v, name).toBe(want);
      else expect(want(v), `${name} = ${v}`).toBe(true);
    }
    row.more?.(r);
  });
});
