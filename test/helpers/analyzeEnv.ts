import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runJob } from '../../src/cli/harness.js';
import { runAnalyze, type AnalyzeDeps, type AnalyzeOptions } from '../../src/jobs/analyze.js';
import type { Clock } from '../../src/lib/clock.js';
import { generateChain, type ChainOptions, type SyntheticChain } from '../fakes/chain/index.js';
import { startFakeBitcoind, type FakeBitcoind, type FakeBitcoindOptions } from '../fakes/bitcoind/index.js';
import { startFakeMempool, type FakeMempool } from '../fakes/mempool/index.js';
import { startFakeWebhook, type FakeWebhook } from '../fakes/webhook/server.js';
import type { JsonDoc } from './json.js';

export const WEBHOOK_SECRET = 'whsec-test-0123456789';

/** A simulated node, mempool backend and webhook receiver, and the settings that point at them. */
export interface AnalyzeEnv {
  chain: SyntheticChain;
  node: FakeBitcoind;
  mempool: FakeMempool;
  webhook: FakeWebhook;
  dataDir: string;
  env: Record<string, string>;
  /** Runs analyze in-process; returns the exit code and the --json document. */
  run(
    opts: AnalyzeOptions,
    extra?: { env?: Record<string, string>; dryRun?: boolean; clock?: Clock; deps?: AnalyzeDeps },
  ): Promise<{ code: number; doc: JsonDoc; lines: string[] }>;
  close(): Promise<void>;
}

export async function startAnalyzeEnv(
  chainOpts: Partial<ChainOptions> = {},
  usd = 105_500,
  nodeOpts: Partial<FakeBitcoindOptions> = {},
): Promise<AnalyzeEnv> {
  const chain = generateChain({ seed: 11, date: '2025-06-01', price: 105_000, scale: 'small', ...chainOpts });
  const node = await startFakeBitcoind({ chain, auth: { cookie: true }, rest: true, ...nodeOpts });
  const mempool = await startFakeMempool({ usd, priceTime: Math.floor(Date.now() / 1000) });
  const webhook = await startFakeWebhook(WEBHOOK_SECRET);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'analyze-'));
  const env: Record<string, string> = {
    UTXORACLE_DATA_DIR: dataDir,
    BITCOIN_RPC_URL: node.url,
    BITCOIN_RPC_COOKIE_FILE: node.cookiePath,
    MEMPOOL_API_URL: mempool.url,
    MEMPOOL_WS_URL: mempool.wsUrl,
    ALERT_WEBHOOK_URL: webhook.url,
    ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ANALYZE_BACKFILL_DAYS: '0',
    LOG_LEVEL: 'silent',
  };
  return {
    chain,
    node,
    mempool,
    webhook,
    dataDir,
    env,
    async run(opts, extra = {}) {
      const out: string[] = [];
      const code = await runJob({
        job: 'analyze',
        flags: { json: true, dryRun: extra.dryRun },
        shareDatabases: true, // as bin/analyze does
        env: { ...env, ...extra.env },
        stdout: (l) => out.push(l),
        clock: extra.clock,
        main: (ctx) => runAnalyze(opts, ctx, { priceBackoffMs: 20, ...extra.deps }),
      });
      return { code, doc: JSON.parse(out.at(-1) ?? '{}'), lines: out };
    },
    async close() {
      await Promise.all([node.close(), mempool.close(), webhook.close()]);
    },
  };
}
