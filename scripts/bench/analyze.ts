// npm run bench:analyze — a full-scale synthetic day served by the simulated node on loopback:
// analyze cold (144 blocks from the node), analyze after one new block (the cron case), curl of
// the same blocks (the floor) and, when present, the reference UTXOracle.py on the same node.
// Prints medians; no pass/fail (the machine is shared and noisy). The cold day runs on the native
// block hasher (when built) and again on the TypeScript one (UTXORACLE_NATIVE_HASH=0), side by side.
//   BENCH_RUNS=3  BENCH_SCALE=full|small  REF_UTXORACLE (or UTXORACLE_REFERENCE)=/path/to/UTXOracle.py
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateChain } from '../../test/fakes/chain/index.js';
import { startFakeBitcoind } from '../../test/fakes/bitcoind/index.js';
import { startFakeMempool } from '../../test/fakes/mempool/index.js';
import { fmt, median, timed } from './lib/measure.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const scale = (process.env.BENCH_SCALE ?? 'full') as 'full' | 'small';
const reference = process.env.REF_UTXORACLE ?? process.env.UTXORACLE_REFERENCE ?? '/work/ref/UTXOracle.py';

const t0 = performance.now();
const chain = generateChain({ seed: 2025, date: '2025-06-01', price: 105_000, scale, marginBeforeBlocks: 12 });
const mb = chain.blocks.slice(-145, -1).reduce((a, b) => a + b.bytes.length, 0) / 1e6;
console.log(
  `chain: ${chain.blocks.length} blocks (${scale}), window of 144 = ${fmt(mb)} MB, generated in ${fmt((performance.now() - t0) / 1000)} s`,
);
const node = await startFakeBitcoind({ chain, auth: { cookie: true }, rest: true });
const mempool = await startFakeMempool({ usd: 105_500, priceTime: Math.floor(Date.now() / 1000) });

const baseEnv = (dataDir: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: os.homedir(),
  UTXORACLE_DATA_DIR: dataDir,
  BITCOIN_RPC_URL: node.url,
  BITCOIN_RPC_COOKIE_FILE: node.cookiePath,
  MEMPOOL_API_URL: mempool.url,
  ANALYZE_BACKFILL_DAYS: '0',
  LOG_LEVEL: 'warn',
});
const analyze = (dataDir: string) =>
  timed(process.execPath, [path.join(repo, 'bin/analyze.js'), '--json'], { env: baseEnv(dataDir) });

const analyzeDry = (dataDir: string, env: NodeJS.ProcessEnv = {}) =>
  timed(process.execPath, [path.join(repo, 'bin/analyze.js'), '--json', '--dry-run'], {
    env: { ...baseEnv(dataDir), ...env },
  });
const nativeBuilt = fs.existsSync(path.join(repo, 'native', 'build', 'blockhash.node'));

// Cold: a fresh data directory each time, so no cache. --dry-run keeps it to the 144-block window
// (fetch, parse, price, exchange price) without the finished-day fill a first real run also does.
interface Series {
  label: string;
  env: NodeJS.ProcessEnv;
  ms: number[];
  rss: number[];
  price: number;
}
const series: Series[] = [
  { label: nativeBuilt ? 'native hasher' : 'TypeScript hasher', env: {}, ms: [], rss: [], price: 0 },
];
if (nativeBuilt)
  series.push({ label: 'TypeScript hasher', env: { UTXORACLE_NATIVE_HASH: '0' }, ms: [], rss: [], price: 0 });
// The two paths alternate run by run, so a busy machine slows both alike.
for (let i = 0; i < runs; i++) {
  for (const s of series) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-analyze-'));
    const r = await analyzeDry(dir, s.env);
    if (r.code !== 0 && r.code !== 3) throw new Error(`analyze failed (${r.code}): ${r.stderr.slice(-500)}`);
    const doc = JSON.parse(r.stdout) as { utxoracle_price: number; blocks_from_node: number };
    s.price = doc.utxoracle_price;
    s.ms.push(r.ms);
    s.rss.push(r.peakRssMb);
    console.log(
      `cold run ${i + 1} (${s.label}): ${fmt(r.ms / 1000, 2)} s, ${doc.blocks_from_node} blocks from the node, peak RSS ${fmt(r.peakRssMb)} MB`,
    );
  }
}
const [main, fallback] = series as [Series, Series | undefined];
if (fallback && fallback.price !== main.price)
  throw new Error(`the two hashing paths priced differently: ${main.price} vs ${fallback.price}`);
const cold = main.ms;
const coldRss = main.rss;
const price = main.price;

// Warm: one new block on the tip, then the cron run 10 minutes later.
const warmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-analyze-warm-'));
await analyze(warmDir);
const warm: number[] = [];
const warmRss: number[] = [];
let warmFetched = 0;
for (let i = 0; i < runs; i++) {
  chain.append(1);
  const r = await analyze(warmDir);
  const doc = JSON.parse(r.stdout) as { utxoracle_price: number; blocks_from_node: number };
  warmFetched = Math.max(warmFetched, doc.blocks_from_node);
  warm.push(r.ms);
  warmRss.push(r.peakRssMb);
  console.log(`warm run ${i + 1}: ${fmt(r.ms, 0)} ms, ${doc.blocks_from_node} block(s) from the node`);
}

// The floor: curl fetching the same 144 blocks over REST, 4 at a time (analyze's default concurrency).
const refs = chain.blocks.slice(-145, -1);
const urls = refs.flatMap((b) => ['-o', '/dev/null', `${node.url}/rest/block/${b.hash}.bin`]);
const curl: number[] = [];
for (let i = 0; i < runs; i++) {
  const r = await timed('curl', ['-s', '--fail', '--parallel', '--parallel-max', '4', ...urls]);
  if (r.code !== 0) throw new Error(`curl failed: ${r.stderr}`);
  curl.push(r.ms);
}

let refMs: number | undefined;
if (fs.existsSync(reference)) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ref-'));
  const r = await timed('python3', [reference, '-rb', '-p', node.datadir], {
    cwd,
    env: { ...process.env, BROWSER: 'true' },
  });
  refMs = r.ms;
  const m = /(\d[\d,]*)/.exec(
    r.stdout
      .split('\n')
      .filter((l) => l.includes('$'))
      .at(-1) ?? '',
  );
  console.log(`reference UTXOracle.py -rb: ${fmt(r.ms / 1000, 1)} s (exit ${r.code}${m ? `, printed $${m[1]}` : ''})`);
} else {
  console.log(`reference not found at ${reference}; set UTXORACLE_REFERENCE to compare`);
}

const coldMed = median(cold);
const summary = {
  scale,
  window_mb: Number(fmt(mb, 1)),
  price,
  cold_median_s: Number(fmt(coldMed / 1000, 2)),
  cold_blocks_per_s: Number(fmt(144 / (coldMed / 1000), 1)),
  cold_mb_per_s: Number(fmt(mb / (coldMed / 1000), 1)),
  cold_peak_rss_mb: Number(fmt(Math.max(...coldRss), 0)),
  warm_median_ms: Number(fmt(median(warm), 0)),
  warm_blocks_fetched_max: warmFetched,
  warm_peak_rss_mb: Number(fmt(Math.max(...warmRss), 0)),
  curl_median_s: Number(fmt(median(curl) / 1000, 2)),
  cold_vs_curl: Number(fmt(coldMed / median(curl), 2)),
  hashing: nativeBuilt ? 'native' : 'typescript',
  cold_typescript_hasher_median_s: fallback ? Number(fmt(median(fallback.ms) / 1000, 2)) : null,
  native_vs_typescript: fallback ? Number(fmt(median(fallback.ms) / coldMed, 2)) : null,
  reference_s: refMs === undefined ? null : Number(fmt(refMs / 1000, 1)),
  speedup_vs_reference: refMs === undefined ? null : Number(fmt(refMs / coldMed, 1)),
  cores: os.cpus().length,
  loadavg: os.loadavg().map((x) => Number(fmt(x, 2))),
};
console.log(
  `\nanalyze cold: ${summary.cold_median_s} s median (${summary.cold_blocks_per_s} blocks/s, ${summary.cold_mb_per_s} MB/s), peak RSS ${summary.cold_peak_rss_mb} MB`,
);
if (fallback)
  console.log(
    `analyze cold on the TypeScript hasher: ${summary.cold_typescript_hasher_median_s} s median; native is ${summary.native_vs_typescript}x faster, same price ${price}`,
  );
console.log(`analyze after 1 new block: ${summary.warm_median_ms} ms median, at most ${warmFetched} block(s) fetched`);
console.log(`curl floor: ${summary.curl_median_s} s; analyze/curl = ${summary.cold_vs_curl}x`);
if (refMs !== undefined)
  console.log(`reference: ${summary.reference_s} s; analyze is ${summary.speedup_vs_reference}x faster`);
console.log(JSON.stringify(summary));
await Promise.all([node.close(), mempool.close()]);
