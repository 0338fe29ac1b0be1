// The health-check job against the real fakes: a fake Bitcoin Core over a synthetic chain, a fake
// electrs following it, a fake mempool backend, and a data directory seeded in a healthy state.
// Each run goes through the same harness as the executable, in-process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runJob } from '../../src/cli/harness.js';
import { healthCheckMain, type HealthCheckOptions } from '../../src/jobs/healthCheck.js';
import { startFakeBitcoind, type FakeBitcoind } from '../fakes/bitcoind/index.js';
import { generateChain } from '../fakes/chain/index.js';
import { startFakeElectrs, type FakeElectrs } from '../fakes/electrs/server.js';
import { startFakeMempool, type FakeMempool } from '../fakes/mempool/index.js';
import { parseExposition, type Exposition } from './promParse.js';
import { HEALTHY_PRICES, HEALTHY_WHALE_AGES, seedPriceDb, seedWhaleDb, type PriceSeed } from './seed.js';

export const RPC_USER = 'health';
/** Must never appear in anything health-check prints or writes. */
export const RPC_PASSWORD = 'rpc-Secret-9f3c1e7a';

export interface Services {
  core: FakeBitcoind;
  electrs: FakeElectrs;
  mempool: FakeMempool;
  tip: number;
  close(): Promise<void>;
}

export async function startServices(): Promise<Services> {
  // The smallest chain the generator makes is about a day of small blocks; only its tip matters here.
  const chain = generateChain({
    seed: 'health',
    date: '2024-10-27',
    price: 67_000,
    marginBeforeBlocks: 1,
    marginAfterBlocks: 1,
    // A live node: its tip mined two minutes ago (the tip-age check reads it).
    tipAt: Math.floor(Date.now() / 1000) - 120,
  });
  const core = await startFakeBitcoind({
    chain,
    auth: { user: RPC_USER, password: RPC_PASSWORD },
    rest: false,
    authFailDelayMs: 0,
  });
  const electrs = await startFakeElectrs({ tipHeight: chain.tip.height });
  const mempool = await startFakeMempool();
  mempool.setPrice(67_234.56, Math.floor(Date.now() / 1000));
  return {
    core,
    electrs,
    mempool,
    tip: chain.tip.height,
    async close() {
      removeTemplates();
      await Promise.all([core.close(), electrs.close(), mempool.close()]);
    },
  };
}

export interface DataDir {
  dir: string;
  env: Record<string, string>;
  remove(): void;
}

// Seeding costs a second (schema + rows in two files); a test file reuses one seeded copy per seed.
// Ages drift by the file's running time (seconds), far inside every threshold the rows aim at.
const templates = new Map<string, string>();

async function template(seed: PriceSeed, whaleAges: number[]): Promise<string> {
  const key = JSON.stringify([seed, whaleAges]);
  let dir = templates.get(key);
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'health-template-'));
    const now = Date.now();
    await seedPriceDb(path.join(dir, 'utxoracle_cache.db'), seed, now);
    if (whaleAges.length) await seedWhaleDb(path.join(dir, 'mempool_predictions.db'), whaleAges, now);
    templates.set(key, dir);
  }
  return dir;
}

export function removeTemplates(): void {
  for (const d of templates.values()) fs.rmSync(d, { recursive: true, force: true });
  templates.clear();
}

/** A fresh data directory with both databases seeded (healthy unless told otherwise). */
export async function makeDataDir(
  s: Services,
  seed: PriceSeed = HEALTHY_PRICES,
  whaleAges = HEALTHY_WHALE_AGES,
): Promise<DataDir> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'health-job-'));
  const from = await template(seed, whaleAges);
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, f));
  return {
    dir,
    env: {
      UTXORACLE_DATA_DIR: dir,
      BITCOIN_RPC_URL: s.core.url,
      BITCOIN_RPC_USER: RPC_USER,
      BITCOIN_RPC_PASSWORD: RPC_PASSWORD,
      BITCOIN_DATADIR: s.core.datadir,
      ELECTRS_API_URL: s.electrs.url,
      MEMPOOL_API_URL: s.mempool.url,
      LOG_LEVEL: 'silent',
      // No .env from the working directory may leak into a test.
      UTXORACLE_ENV_FILE: '/dev/null',
      // A disk more than 95% full on the test machine must not decide a test that is about something else.
      HEALTH_DISK_WARN_PCT: '100',
      HEALTH_DISK_CRIT_PCT: '100',
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RunResult {
  code: number;
  lines: string[];
  json: {
    status: string;
    exit_code: number;
    checks: CheckJson[];
    alert?: Record<string, unknown>;
    [k: string]: unknown;
  };
  prom: Exposition;
  promText: string;
  elapsedMs: number;
}

export interface CheckJson {
  check: string;
  label: string;
  state: string;
  figure: number | null;
  unit: string;
  threshold: { op: string; warn: number; crit: number; unit: string; text: string } | null;
  message: string;
  duration_ms: number;
  details?: Record<string, unknown>;
}

/** Runs the job twice (the runbook's lines, then --json), both with --prometheus; returns everything. */
export async function runHealth(
  d: DataDir,
  env: Record<string, string> = {},
  opts: Partial<HealthCheckOptions> = {},
): Promise<RunResult> {
  const promFile = path.join(d.dir, 'utxoracle.prom');
  const once = async (json: boolean) => {
    const out: string[] = [];
    const started = performance.now();
    const code = await runJob({
      job: 'health-check',
      flags: { json },
      recordRun: false,
      env: { ...d.env, ...env },
      stdout: (l) => out.push(l),
      main: (ctx) => healthCheckMain({ prometheusFile: promFile, alert: false, ...opts }, ctx),
    });
    return { code, out, elapsedMs: performance.now() - started };
  };
  const plain = await once(false);
  const json = await once(true);
  if (json.out.length !== 1) throw new Error(`--json printed ${json.out.length} lines`);
  const doc = JSON.parse(json.out[0]!) as RunResult['json'];
  if (plain.code !== json.code) throw new Error(`exit codes differ between runs: ${plain.code} vs ${json.code}`);
  const promText = fs.readFileSync(promFile, 'utf8');
  return {
    code: json.code,
    lines: plain.out,
    json: doc,
    prom: parseExposition(promText),
    promText,
    elapsedMs: json.elapsedMs,
  };
}

export const check = (r: RunResult, key: string): CheckJson => {
  const c = r.json.checks.find((x) => x.check === key);
  if (!c) throw new Error(`no check ${key} in ${r.json.checks.map((x) => x.check).join(', ')}`);
  return c;
};
