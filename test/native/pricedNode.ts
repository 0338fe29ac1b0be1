// A simulated node and mempool for the native tests' job runs, and a way to run a job's executable
// from a package root against them with a fresh data directory.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { generateChain } from '../fakes/chain/index.js';
import { startFakeBitcoind } from '../fakes/bitcoind/index.js';
import { startFakeMempool } from '../fakes/mempool/index.js';

export interface JobRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export interface PricedNode {
  /** `<root>/bin/<job>.js args` with the node, mempool and `extra` in a clean environment. */
  run(root: string, job: string, args: string[], extra?: Record<string, string>): Promise<JobRun>;
  close(): Promise<void>;
}

export async function startPricedNode(seed: number, tmp: string): Promise<PricedNode> {
  const chain = generateChain({ seed, date: '2025-05-05', price: 95_000, scale: 'small' });
  const node = await startFakeBitcoind({ chain, auth: { cookie: true }, rest: true });
  const mempool = await startFakeMempool({ usd: 95_100, priceTime: Math.floor(Date.now() / 1000) });
  return {
    run: async (root, job, args, extra = {}) => {
      const r = await execa(process.execPath, [path.join(root, 'bin', `${job}.js`), ...args], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          UTXORACLE_DATA_DIR: fs.mkdtempSync(path.join(tmp, 'data-')),
          BITCOIN_RPC_URL: node.url,
          BITCOIN_RPC_COOKIE_FILE: node.cookiePath,
          MEMPOOL_API_URL: mempool.url,
          ANALYZE_BACKFILL_DAYS: '0',
          LOG_FORMAT: 'json',
          ...extra,
        },
        extendEnv: false,
        reject: false,
        timeout: 120_000,
      });
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    },
    async close() {
      await node.close();
      await mempool.close();
    },
  };
}
