// Bench: fetching a day's 144 full-scale blocks from the fake node with our client (REST and RPC
// modes) against curl's floor (parallel GETs of /rest/block/<hash>.bin). Prints median wall time,
// blocks/s and MB/s for each, and our ratio to the floor. Run: npm run bench:fetch
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createBitcoindClient } from '../../src/sources/bitcoind/index.js';
import { generateChain } from '../../test/fakes/chain/index.js';
import { startFakeBitcoind, type FakeBitcoind } from '../../test/fakes/bitcoind/index.js';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BLOCKS = 144;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function timeRuns(fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up: sockets, JIT, page cache
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** Median time for our client to fetch the refs' blocks (the refs themselves are fetched once, untimed). */
async function clientMedian(node: FakeBitcoind, rest: 'auto' | 'never', heights: number[]): Promise<number> {
  const client = createBitcoindClient({
    url: node.url,
    cookieFile: node.cookiePath,
    timeoutMs: 30_000,
    concurrency: CONCURRENCY,
    retries: 2,
    rest,
  });
  try {
    const refs = await client.getBlockRefs(heights);
    return await timeRuns(async () => {
      const blocks = await client.getRawBlocks(refs);
      if (blocks.length !== BLOCKS) throw new Error(`fetched ${blocks.length} blocks`);
    });
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const chain = generateChain({
    seed: 'bench-fetch',
    date: '2025-03-01',
    price: 86_000,
    scale: 'full',
    marginBeforeBlocks: 0,
    marginAfterBlocks: 0,
  });
  const blocks = chain.blocks.slice(0, BLOCKS);
  if (blocks.length < BLOCKS) throw new Error(`the generated day has only ${blocks.length} blocks`);
  const bytes = blocks.reduce((s, b) => s + b.bytes.length, 0);
  console.log(
    `chain: ${blocks.length} blocks, ${(bytes / 1e6).toFixed(1)} MB, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const node = await startFakeBitcoind({ chain, auth: { cookie: true }, rest: true });
  const rpcOnly = await startFakeBitcoind({ chain, auth: { cookie: true }, rest: false });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-fetch-'));
  try {
    const heights = blocks.map((b) => b.height);
    const curlConfig = path.join(dir, 'urls.txt');
    writeFileSync(
      curlConfig,
      blocks.map((b) => `url = "${node.url}/rest/block/${b.hash}.bin"\noutput = "/dev/null"\n`).join(''),
    );
    const rows: [string, number][] = [
      [
        'curl --parallel (floor)',
        await timeRuns(
          async () =>
            void (await run('curl', [
              '-sS',
              '--fail',
              '--parallel',
              '--parallel-max',
              String(CONCURRENCY),
              '-K',
              curlConfig,
            ])),
        ),
      ],
      ['client REST .bin', await clientMedian(node, 'auto', heights)],
      ['client RPC getblock 0', await clientMedian(rpcOnly, 'never', heights)],
    ];
    const floor = rows[0]![1];
    console.log(`concurrency ${CONCURRENCY}, median of ${RUNS} runs after one warm-up`);
    for (const [name, ms] of rows) {
      console.log(
        `${name.padEnd(26)} ${ms.toFixed(0).padStart(6)} ms  ${(BLOCKS / (ms / 1000)).toFixed(0).padStart(5)} blocks/s  ${(bytes / 1e6 / (ms / 1000)).toFixed(0).padStart(5)} MB/s  x${(ms / floor).toFixed(2)} of curl`,
      );
    }
  } finally {
    await node.close();
    await rpcOnly.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
