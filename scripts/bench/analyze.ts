// npm run bench:analyze — analyze against the simulated node on loopback, side by side in one run:
//   cold      a full-scale day (144 blocks of ~1.5 MB, --recent --dry-run, no cache)
//   cron      the cron run after one new block (a real run: row saved, finished day checked)
//   backfill  10 small days (--from/--to from nothing): seconds per day, the cache on disk after
//   reference UTXOracle.py on the same node (-rb for the cold day, -d for small days), when present
//   floor     curl fetching the same 144 blocks (the I/O floor)
// each a median with its ratio, peak RSS for every mode, and the issue's targets met or not. The
// targets are printed, never asserted (the machine is shared and noisy).
//   BENCH_RUNS=3  BENCH_REF_RUNS (default BENCH_RUNS)  BENCH_TS_HASH=1 (the cold day on the
//   TypeScript hasher too)  BENCH_THREADS=0,1,2 (the cold day and the cron run per ANALYZE_PARSE_THREADS)
//   REF_UTXORACLE (or UTXORACLE_REFERENCE)=/path/to/UTXOracle.py, kept outside the repo
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateChain } from '../../test/fakes/chain/index.js';
import { startFakeBitcoind, type FakeBitcoind } from '../../test/fakes/bitcoind/index.js';
import { startFakeMempool } from '../../test/fakes/mempool/index.js';
import { fmt, median, timed, type RunResult } from './lib/measure.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const refRuns = Number(process.env.BENCH_REF_RUNS ?? runs);
const reference = process.env.REF_UTXORACLE ?? process.env.UTXORACLE_REFERENCE;
const hasRef = reference !== undefined && fs.existsSync(reference);
const BACKFILL_DAYS = 10;

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), `bench-analyze-${p}-`));
const s = (ms: number, d = 2) => `${fmt(ms / 1000, d)} s`;

// The chains: one full-scale day for the cold and cron runs, eleven small days for the backfill.
const t0 = performance.now();
const full = generateChain({ seed: 2025, date: '2025-06-01', price: 105_000, scale: 'full', marginBeforeBlocks: 12 });
const small = generateChain({
  seed: 2026,
  date: '2025-06-12',
  price: 95_000,
  scale: 'small',
  marginBeforeBlocks: 144 * 11,
});
const windowMb = full.blocks.slice(-145, -1).reduce((a, b) => a + b.bytes.length, 0) / 1e6;
console.log(
  `chains: ${full.blocks.length} full-scale blocks (window of 144 = ${fmt(windowMb)} MB), ${small.blocks.length} small; generated in ${s(performance.now() - t0, 1)}`,
);
const nodeFull = await startFakeBitcoind({ chain: full, auth: { cookie: true }, rest: true });
const nodeSmall = await startFakeBitcoind({ chain: small, auth: { cookie: true }, rest: true });
const mempool = await startFakeMempool({ usd: 105_500, priceTime: Math.floor(Date.now() / 1000) });

const envFor = (node: FakeBitcoind, dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: os.homedir(),
  UTXORACLE_DATA_DIR: dataDir,
  BITCOIN_RPC_URL: node.url,
  BITCOIN_RPC_COOKIE_FILE: node.cookiePath,
  MEMPOOL_API_URL: mempool.url,
  ANALYZE_BACKFILL_DAYS: '0',
  LOG_LEVEL: 'warn',
  ...extra,
});

interface Doc {
  utxoracle_price?: number;
  blocks_from_node?: number;
  priced?: number;
  failed?: number;
  days?: { date: string; price?: number }[];
}
async function analyze(node: FakeBitcoind, dataDir: string, args: string[], extra: NodeJS.ProcessEnv = {}) {
  const r = await timed(process.execPath, [path.join(repo, 'bin/analyze.js'), '--json', ...args], {
    env: envFor(node, dataDir, extra),
  });
  if (r.code !== 0 && r.code !== 3)
    throw new Error(`analyze ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-600)}`);
  return { r, doc: JSON.parse(r.stdout) as Doc };
}

/**
 * The reference on the fake node's datadir, and the price it gave (whole dollars): printed in date
 * mode, in its HTML page's title in block mode (-rb).
 */
async function runReference(node: FakeBitcoind, args: string[]): Promise<{ r: RunResult; printed: number }> {
  const cwd = tmp('ref');
  const r = await timed('python3', [reference!, ...args, '-p', node.datadir], {
    cwd,
    env: { ...process.env, BROWSER: 'true' },
  });
  const page = fs
    .readdirSync(cwd)
    .filter((f) => f.endsWith('.html'))
    .map((f) => fs.readFileSync(path.join(cwd, f), 'utf8'))
    .join('');
  fs.rmSync(cwd, { recursive: true, force: true });
  const m = /price: \$([\d,]+)/.exec(r.stdout) ?? /Price \$([\d,]+)/.exec(page);
  if (r.code !== 0 || !m) throw new Error(`reference ${args.join(' ')} failed (${r.code}): ${r.stdout.slice(-400)}`);
  return { r, printed: Number(m[1]!.replaceAll(',', '')) };
}

function cacheOnDisk(dataDir: string): { entries: number; mb: number } {
  const dir = path.join(dataDir, 'block-cache');
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.uxs')) : [];
  const bytes = names.reduce((a, n) => a + fs.statSync(path.join(dir, n)).size, 0);
  return { entries: names.length, mb: bytes / 1e6 };
}

// --- cold full-scale day, the reference beside it (alternating, so load slows both alike) ---------
const cold: RunResult[] = [];
const ref: RunResult[] = [];
let coldPrice = 0;
let refPrinted: number | undefined;
for (let i = 0; i < Math.max(runs, hasRef ? refRuns : 0); i++) {
  if (i < runs) {
    const dir = tmp('cold');
    const { r, doc } = await analyze(nodeFull, dir, ['--dry-run']);
    fs.rmSync(dir, { recursive: true, force: true });
    cold.push(r);
    coldPrice = doc.utxoracle_price!;
    console.log(
      `cold day ${i + 1}: ${s(r.ms)}, ${doc.blocks_from_node} blocks from the node, peak RSS ${fmt(r.peakRssMb, 0)} MB`,
    );
  }
  if (hasRef && i < refRuns) {
    const { r, printed } = await runReference(nodeFull, ['-rb']);
    ref.push(r);
    refPrinted = printed;
    console.log(`reference -rb ${i + 1}: ${s(r.ms, 1)} (gave $${printed.toLocaleString('en-US')})`);
  }
}

// --- the I/O floor: curl fetching the same 144 blocks over REST, 4 at a time (BITCOIN_RPC_CONCURRENCY) ---
const urls = full.blocks
  .slice(-145, -1)
  .flatMap((b) => ['-o', '/dev/null', `${nodeFull.url}/rest/block/${b.hash}.bin`]);
const curl: RunResult[] = [];
for (let i = 0; i < runs; i++) {
  const r = await timed('curl', ['-s', '--fail', '--parallel', '--parallel-max', '4', ...urls]);
  if (r.code !== 0) throw new Error(`curl failed: ${r.stderr}`);
  curl.push(r);
}
console.log(`curl floor: ${curl.map((r) => s(r.ms)).join(', ')}`);

// --- the cron run after one new block ----------------------------------------------------------
async function cronRuns(extra: NodeJS.ProcessEnv = {}, n = runs, quiet = false) {
  const dir = tmp('cron');
  await analyze(nodeFull, dir, [], extra); // the run before: cache filled, the finished day saved
  const out: { r: RunResult; fetched: number }[] = [];
  for (let i = 0; i < n; i++) {
    full.append(1);
    const { r, doc } = await analyze(nodeFull, dir, [], extra);
    out.push({ r, fetched: doc.blocks_from_node! });
    if (!quiet)
      console.log(
        `cron run ${i + 1}: ${fmt(r.ms, 0)} ms, ${doc.blocks_from_node} block(s) from the node, peak RSS ${fmt(r.peakRssMb, 0)} MB`,
      );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}
const cron = await cronRuns();

// --- a 10-day backfill of small days from nothing -----------------------------------------------
const dayOf = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const lastDay = dayOf(small.dayStart - 86_400); // the chain's own day is the newest; its eve and 9 before
const firstDay = dayOf(small.dayStart - 86_400 * BACKFILL_DAYS);
const backfill: { r: RunResult; cache: { entries: number; mb: number } }[] = [];
let backfillDays: { date: string; price?: number }[] = [];
for (let i = 0; i < runs; i++) {
  const dir = tmp('backfill');
  const { r, doc } = await analyze(nodeSmall, dir, ['--from', firstDay, '--to', lastDay]);
  if (doc.priced !== BACKFILL_DAYS) throw new Error(`backfill priced ${doc.priced} of ${BACKFILL_DAYS} days`);
  backfillDays = doc.days!;
  const cache = cacheOnDisk(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  backfill.push({ r, cache });
  console.log(
    `backfill ${firstDay}..${lastDay} ${i + 1}: ${s(r.ms)} (${s(r.ms / BACKFILL_DAYS)}/day), cache after: ${cache.entries} entries, ${fmt(cache.mb, 1)} MB, peak RSS ${fmt(r.peakRssMb, 0)} MB`,
  );
}
const refDays: RunResult[] = [];
if (hasRef) {
  // The reference prices one day per run: three of the ten, and each must print our price's dollars.
  for (const d of [firstDay, dayOf(small.dayStart - 86_400 * 5), lastDay].slice(0, Math.max(1, refRuns))) {
    const { r, printed } = await runReference(nodeSmall, ['-d', d.replaceAll('-', '/')]);
    refDays.push(r);
    const ours = backfillDays.find((x) => x.date === d)?.price;
    console.log(`reference -d ${d}: ${s(r.ms, 1)}, printed $${printed}, ours $${Math.trunc(ours ?? NaN)}`);
    if (ours === undefined || Math.trunc(ours) !== printed)
      throw new Error(`reference printed ${printed} for ${d}, we priced ${ours}`);
  }
}

// --- optional: the TypeScript hasher, parser thread counts -------------------------------------
const variants: { label: string; coldMs: number; cronMs?: number }[] = [];
if (process.env.BENCH_TS_HASH === '1') {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = tmp('cold-ts');
    ms.push((await analyze(nodeFull, dir, ['--dry-run'], { UTXORACLE_NATIVE_HASH: '0' })).r.ms);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  variants.push({ label: 'TypeScript hasher', coldMs: median(ms) });
}
for (const threads of (process.env.BENCH_THREADS ?? '').split(',').filter(Boolean)) {
  const env = { ANALYZE_PARSE_THREADS: threads };
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = tmp('cold-threads');
    ms.push((await analyze(nodeFull, dir, ['--dry-run'], env)).r.ms);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const c = await cronRuns(env, runs, true);
  variants.push({
    label: `ANALYZE_PARSE_THREADS=${threads}`,
    coldMs: median(ms),
    cronMs: median(c.map((x) => x.r.ms)),
  });
}

// --- summary ------------------------------------------------------------------------------------
const med = (xs: RunResult[]) => median(xs.map((r) => r.ms));
const coldMs = med(cold);
const curlMs = med(curl);
const cronMs = median(cron.map((c) => c.r.ms));
const cronFetched = Math.max(...cron.map((c) => c.fetched));
const perDayMs = median(backfill.map((b) => b.r.ms)) / BACKFILL_DAYS;
const refMs = ref.length ? med(ref) : undefined;
const refDayMs = refDays.length ? med(refDays) : undefined;
const peak = (xs: RunResult[]) => Math.max(...xs.map((r) => r.peakRssMb));
const cacheAfter = backfill.at(-1)!.cache;

const rows: [string, string, string, string][] = [
  ['cold full-scale day', s(coldMs), `${fmt(windowMb / (coldMs / 1000), 0)} MB/s`, `peak RSS ${fmt(peak(cold), 0)} MB`],
  ['  I/O floor (curl)', s(curlMs), `cold = ${fmt(coldMs / curlMs, 1)}x the floor`, 'target <= 4x'],
  ...(refMs !== undefined
    ? [
        ['  reference -rb', s(refMs, 1), `cold is ${fmt(refMs / coldMs, 1)}x faster`, 'target >= 30x'] as [
          string,
          string,
          string,
          string,
        ],
      ]
    : []),
  [
    'cron run after 1 new block',
    `${fmt(cronMs, 0)} ms`,
    `<= ${cronFetched} block(s) fetched`,
    `peak RSS ${fmt(peak(cron.map((c) => c.r)), 0)} MB; target <= 0.3 s, <= 2 blocks`,
  ],
  [
    `backfill of ${BACKFILL_DAYS} small days`,
    `${s(perDayMs)}/day`,
    `cache after: ${cacheAfter.entries} entries, ${fmt(cacheAfter.mb, 1)} MB`,
    `peak RSS ${fmt(peak(backfill.map((b) => b.r)), 0)} MB`,
  ],
  ...(refDayMs !== undefined
    ? [
        [
          '  reference -d (a small day)',
          `${s(refDayMs, 1)}/day`,
          `backfill is ${fmt(refDayMs / perDayMs, 1)}x faster per day`,
          'target >= 10x',
        ] as [string, string, string, string],
      ]
    : []),
  ...variants.map(
    (v) =>
      [`  ${v.label}`, `cold ${s(v.coldMs)}`, v.cronMs === undefined ? '' : `cron ${fmt(v.cronMs, 0)} ms`, ''] as [
        string,
        string,
        string,
        string,
      ],
  ),
];
const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(
  `\nmedians of ${runs} run(s)${hasRef ? ` (reference: ${refRuns})` : ''}; ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((x) => fmt(x, 2))
    .join(' ')}`,
);
for (const r of rows) console.log(`${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2].padEnd(w[2]!)}  ${r[3]}`);
if (!hasRef) console.log('(reference not run: set REF_UTXORACLE=/path/to/UTXOracle.py to compare)');

const targets: [string, boolean | undefined][] = [
  ['cold day >= 30x the reference', refMs === undefined ? undefined : refMs / coldMs >= 30],
  ['cold day within 4x of the I/O floor', coldMs / curlMs <= 4],
  ['cron run <= 0.3 s', cronMs <= 300],
  ['cron run fetches <= 2 blocks', cronFetched <= 2],
  ['backfill >= 10x the reference per day', refDayMs === undefined ? undefined : refDayMs / perDayMs >= 10],
  ['backfill cache bounded (<= BLOCK_CACHE_DAYS + 1 days of blocks)', cacheAfter.entries <= 144 * 4 + 1],
  [
    'peak RSS < 400 MB in every mode',
    Math.max(peak(cold), peak(cron.map((c) => c.r)), peak(backfill.map((b) => b.r))) < 400,
  ],
];
console.log('\ntargets:');
for (const [name, met] of targets) console.log(`  ${met === undefined ? 'n/a ' : met ? 'met ' : 'NOT '} ${name}`);
if (refPrinted !== undefined && refPrinted !== Math.trunc(coldPrice))
  console.log(`!! the reference printed $${refPrinted} for the cold day, analyze ${coldPrice}`);

console.log(
  JSON.stringify({
    bench: 'analyze',
    runs,
    window_mb: Number(fmt(windowMb, 1)),
    cold_s: Number(fmt(coldMs / 1000, 3)),
    cold_peak_rss_mb: Number(fmt(peak(cold), 0)),
    curl_s: Number(fmt(curlMs / 1000, 3)),
    cold_vs_curl: Number(fmt(coldMs / curlMs, 2)),
    reference_rb_s: refMs === undefined ? null : Number(fmt(refMs / 1000, 1)),
    cold_speedup_vs_reference: refMs === undefined ? null : Number(fmt(refMs / coldMs, 1)),
    cron_ms: Number(fmt(cronMs, 0)),
    cron_blocks_fetched_max: cronFetched,
    cron_peak_rss_mb: Number(fmt(peak(cron.map((c) => c.r)), 0)),
    backfill_s_per_day: Number(fmt(perDayMs / 1000, 3)),
    backfill_cache_entries: cacheAfter.entries,
    backfill_cache_mb: Number(fmt(cacheAfter.mb, 1)),
    backfill_peak_rss_mb: Number(fmt(peak(backfill.map((b) => b.r)), 0)),
    reference_day_s: refDayMs === undefined ? null : Number(fmt(refDayMs / 1000, 1)),
    backfill_speedup_vs_reference: refDayMs === undefined ? null : Number(fmt(refDayMs / perDayMs, 1)),
    variants,
    price: coldPrice,
    cores: os.cpus().length,
    loadavg: os.loadavg().map((x) => Number(fmt(x, 2))),
  }),
);
await Promise.all([nodeFull.close(), nodeSmall.close(), mempool.close()]);
