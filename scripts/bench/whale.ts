// npm run bench:whale [-- --phase catchup|stream] [--listing esplora|core|both] [--mempool 300000 --live-rate 500]
//                     [--count 1000000 --rate 5000]
//
// Two measurements of the real whale-watch job (stream, detection, flow labels against the real
// exchange list of test/fixtures, prevouts from electrs, batched DuckDB writes), each in its own
// process so its peak RSS is its own; the fake mempool and electrs run in a child (whaleFake.ts).
//
//   catchup: a first start on a mempool of `--mempool` transactions (default 300,000, a whale every
//            1,000) that the stream will never announce: time until the catch-up has examined them
//            all, peak RSS, the event loop's delay meanwhile, and the detection latency of live
//            whales arriving during the catch-up (`--live-rate` tx/s, a whale every 100). Listed and
//            fetched from each source (`--listing`, default both, one after the other): electrs'
//            Esplora API (/mempool/txids, /tx/:txid), or Bitcoin Core alone (getrawmempool, batches
//            of getrawtransaction read by our parser, gettxout for the whales' spent coins).
//   stream:  `--count` added transactions (default 1,000,000) at `--rate` tx/s (5,000) in deltas of
//            `--batch` (100), a whale every `--whale-every` (1,000): detection latency percentiles and
//            peak RSS. Targets: p99 < 100 ms, RSS < 200 MB.
// Latency = detection time in whale-watch - send time in the fake (same machine, same wall clock).
// Peak RSS is the kernel's high-water mark (VmHWM) of the whale-watch process. Both phases by default,
// each run with the V8 flags bin/whale-watch.js starts with (read from its shebang).
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { CatchUpStats } from '../../src/whale/catchUp.js';
import { CORE_AUTH, type FakeJob, type Listing } from './whaleFake.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const phaseArg = (): string => {
  const i = process.argv.indexOf('--phase');
  return i >= 0 ? (process.argv[i + 1] ?? '') : 'both';
};
const listingArg = (): string => {
  const i = process.argv.indexOf('--listing');
  return i >= 0 ? (process.argv[i + 1] ?? '') : 'both';
};
const nowMs = (): number => Date.now();
/** What bin/whale-watch.js's shebang gives node (`#!/usr/bin/env -S node <flags>`). */
const WHALE_WATCH_FLAGS = fs
  .readFileSync(fileURLToPath(new URL('../../../bin/whale-watch.js', import.meta.url)), 'utf8')
  .split('\n')[0]!
  .replace(/^#!\/usr\/bin\/env -S node\s*/, '')
  .split(/\s+/)
  .filter(Boolean);
const here = fileURLToPath(import.meta.url);
const mb = (kb: number) => (kb / 1024).toFixed(1);
const hwmKb = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
const pct = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : Number.NaN;
const latencyLine = (lat: number[]) =>
  `p50 ${pct(lat, 0.5).toFixed(1)}  p90 ${pct(lat, 0.9).toFixed(1)}  p99 ${pct(lat, 0.99).toFixed(1)}  max ${(lat[lat.length - 1] ?? Number.NaN).toFixed(1)}`;

interface Fake {
  next(key: string): Promise<Record<string, unknown>>;
  send(m: unknown): void;
}

function startFake(job: FakeJob): Fake {
  // The fake runs with node's defaults: the V8 flags measured are whale-watch's alone (fork would pass them on).
  const child = fork(path.join(path.dirname(here), 'whaleFake.js'), ['--fake-child'], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (m) => {
    const msg = m as Record<string, unknown>;
    if (typeof msg.progress === 'number') process.stderr.write(`  ${(100 * msg.progress).toFixed(0)}% sent\n`);
    else messages.push(msg);
    waiters.splice(0).forEach((w) => w());
  });
  child.send(job);
  return {
    async next(key) {
      for (;;) {
        const m = messages.find((x) => key in x);
        if (m) return m[key] as Record<string, unknown>;
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    send: (m) => child.send(m as object),
  };
}

/** Runs the real job against the fake; `until` decides when to stop it. */
async function runJobAgainst(
  urls: { wsUrl: string; electrsUrl: string; coreUrl?: string },
  hooks: {
    onSequenceWhale: (seq: number) => void;
    onCatchUp?: (s: CatchUpStats) => void;
    onConnected?: () => void;
    until: Promise<void>;
  },
) {
  const { runJob } = await import('../../src/cli/harness.js');
  const { runWhaleWatch } = await import('../../src/jobs/whaleWatch.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whale-bench-'));
  const csv = path.resolve(path.dirname(here), '../../../test/fixtures/exchanges/exchange_addresses.csv');
  const env: Record<string, string> = {
    UTXORACLE_DATA_DIR: dir,
    MEMPOOL_WS_URL: urls.wsUrl,
    // The bench's fake mempool has no standing mempool behind its own REST routes: the listing source
    // measured is electrs or Core alone.
    MEMPOOL_API_URL: 'none',
    // With Core, no Esplora: the catch-up lists and fetches from Core alone.
    ELECTRS_API_URL: urls.coreUrl ? 'none' : urls.electrsUrl,
    BITCOIN_RPC_URL: urls.coreUrl ?? 'http://127.0.0.1:9',
    BITCOIN_RPC_USER: CORE_AUTH.user,
    BITCOIN_RPC_PASSWORD: CORE_AUTH.password,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    WHALE_FLUSH_INTERVAL_MS: process.env.WHALE_FLUSH_INTERVAL_MS ?? '2000',
    WHALE_CATCHUP_CONCURRENCY: process.env.WHALE_CATCHUP_CONCURRENCY ?? '8',
  };
  if (fs.existsSync(csv)) env.EXCHANGE_ADDRESSES_FILE = csv;
  const stop = new AbortController();
  let result: Record<string, unknown> = {};
  const job = runJob({
    job: 'whale-watch',
    flags: { json: true },
    env,
    stdout: (l) => (result = JSON.parse(l) as Record<string, unknown>),
    main: (ctx) =>
      runWhaleWatch(
        {},
        { ...ctx, signal: AbortSignal.any([ctx.signal, stop.signal]) },
        {
          attach: (runner) => {
            runner.events.on('prediction', (_row, info) => {
              if (info.sequence > 0) hooks.onSequenceWhale(info.sequence);
            });
            if (hooks.onCatchUp) runner.events.on('catchUp', hooks.onCatchUp);
            runner.events.on('event', (ev) => {
              if (ev.type === 'connected') hooks.onConnected?.();
            });
          },
        },
      ),
  });
  await hooks.until;
  stop.abort();
  const code = await job;
  fs.rmSync(dir, { recursive: true, force: true });
  return { code, result };
}

/** Detection times by the sequence of the delta that carried the whale. */
function detections(): { bySeq: Map<number, number[]>; record: (seq: number) => void } {
  const bySeq = new Map<number, number[]>();
  return {
    bySeq,
    record(seq) {
      const list = bySeq.get(seq);
      if (list) list.push(nowMs());
      else bySeq.set(seq, [nowMs()]);
    },
  };
}

function latencies(sent: number[], detected: Map<number, number[]>): number[] {
  const sentAt = new Map<number, number>();
  for (let i = 0; i < sent.length; i += 2) sentAt.set(sent[i]!, sent[i + 1]!);
  const lat: number[] = [];
  const first = sent[1] ?? 0;
  for (const [seq, times] of detected) {
    const s = sentAt.get(seq);
    if (s !== undefined)
      for (const t of times) {
        lat.push(t - s);
        // WHALE_BENCH_SLOW=ms: when the slow detections happened, to find what held them.
        const slow = Number(process.env.WHALE_BENCH_SLOW ?? 0);
        if (slow > 0 && t - s > slow)
          process.stderr.write(`  slow: ${t - s} ms, sent ${((s - first) / 1000).toFixed(1)} s in\n`);
      }
  }
  return lat.sort((a, b) => a - b);
}

async function catchUpPhase(listing: Listing): Promise<void> {
  const job: FakeJob = {
    mode: 'catchup',
    listing,
    mempool: arg('mempool', 300_000),
    whaleEvery: arg('whale-every', 1_000),
    liveRate: arg('live-rate', 500),
    liveWhaleEvery: 100,
  };
  process.stderr.write(
    `catch-up bench (${listing}): ${job.mempool} transactions in the mempool at start (a whale every ${job.whaleEvery}), live deltas at ${job.liveRate} tx/s meanwhile\n`,
  );
  const fake = startFake(job);
  const urls = (await fake.next('ready')) as { wsUrl: string; electrsUrl: string; coreUrl?: string };
  const detected = detections();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let first: CatchUpStats | undefined;
  let done!: () => void;
  const until = new Promise<void>((r) => (done = r));
  const t0 = performance.now();
  let sent: number[] = [];
  const trace = process.env.WHALE_BENCH_MEMORY
    ? setInterval(() => {
        const m = process.memoryUsage();
        const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
        process.stderr.write(
          `  t=${((performance.now() - t0) / 1000).toFixed(0)}s rss ${mib(m.rss)} heap ${mib(m.heapTotal)}/` +
            `${mib(m.heapUsed)} buffers ${mib(m.arrayBuffers)} MB\n`,
        );
      }, 3_000)
    : undefined;
  const { code, result } = await runJobAgainst(urls, {
    onSequenceWhale: detected.record,
    // Measured from the connection (the catch-up's start), not over the process's start-up.
    onConnected: () => loop.enable(),
    onCatchUp: (s) => {
      if (first || s.complete + s.incomplete + s.failed === 0) return;
      first = { ...s };
      loop.disable();
      if (process.env.WHALE_BENCH_MEMORY) console.log('  memory at the end of the catch-up', process.memoryUsage());
      const ms = performance.now() - t0;
      first.lastMs = ms;
      fake.send('stop-live');
      void fake.next('done').then((d) => {
        sent = d.sent as number[];
        done();
      });
    },
    until,
  });
  fake.send('bye');
  clearInterval(trace);
  const lat = latencies(sent, detected.bySeq);
  const cu = result.catch_up as CatchUpStats;
  const lastMs = first?.lastMs ?? NaN;
  const rate = (1000 * (first?.fetched ?? 0)) / lastMs;
  const { CORE_FETCH_BATCH } = await import('../../src/whale/lookups/core.js');
  const fetching =
    listing === 'core'
      ? `getrawtransaction in batches of ${CORE_FETCH_BATCH.size}, ${CORE_FETCH_BATCH.parallel} at a time`
      : `${process.env.WHALE_CATCHUP_CONCURRENCY ?? 8} requests in parallel`;
  const source = listing === 'core' ? 'Bitcoin Core (getrawmempool, getrawtransaction)' : 'electrs (Esplora)';
  console.log(
    `catch-up at start from ${source}: ${first?.listed} listed, ${first?.fetched} fetched ${(lastMs / 1000).toFixed(1)} s after the ` +
      `start (${rate.toFixed(0)} tx/s, ${fetching}), whales found ${first?.whales} of ` +
      `${Math.floor(job.mempool / job.whaleEvery)}, complete ${first?.complete === 1} (exit ${code}; ${cu.passes} passes in all)`,
  );
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(
    `  event loop delay from the connection to the end of the catch-up ms: ` +
      `p50 ${ms(loop.percentile(50))}  p99 ${ms(loop.percentile(99))}  max ${ms(loop.max)}`,
  );
  console.log(`  live whales detected meanwhile: ${lat.length}, latency ms ${latencyLine(lat)}`);
  console.log(`  peak RSS ${mb(hwmKb())} MB (target < 200)`);
}

async function streamPhase(): Promise<void> {
  const job: FakeJob = {
    mode: 'stream',
    count: arg('count', 1_000_000),
    rate: arg('rate', 5_000),
    batch: arg('batch', 100),
    whaleEvery: arg('whale-every', 1_000),
  };
  process.stderr.write(
    `stream bench: ${job.count} txs at ${job.rate} tx/s in batches of ${job.batch}, a whale every ${job.whaleEvery}\n`,
  );
  const fake = startFake(job);
  const urls = (await fake.next('ready')) as { wsUrl: string; electrsUrl: string };
  const detected = detections();
  let done: { sent: number[]; elapsedMs: number } | undefined;
  const until = fake.next('done').then(async (d) => {
    done = d as typeof done;
    // Let the last whales' labels (an electrs round trip each) land.
    await new Promise((r) => setTimeout(r, 1_000));
  });
  const { code, result } = await runJobAgainst(urls, {
    onSequenceWhale: detected.record,
    until,
  });
  fake.send('bye');
  const lat = latencies(done!.sent, detected.bySeq);
  const w = result.watcher as { added: number };
  console.log(
    `stream: sent ${job.count} txs in ${(done!.elapsedMs / 1000).toFixed(1)} s ` +
      `(${((job.count * 1000) / done!.elapsedMs).toFixed(0)} tx/s); whale-watch read ${w.added} (exit ${code})`,
  );
  console.log(`  whales detected ${lat.length} of ${Math.floor(job.count / job.whaleEvery)} (labels from electrs)`);
  console.log(`  detection latency ms: ${latencyLine(lat)}   (target p99 < 100)`);
  console.log(`  peak RSS ${mb(hwmKb())} MB (target < 200)`);
}

const phase = phaseArg();
const listing = listingArg();
const drop = (names: string[]) =>
  process.argv.slice(2).filter((a, i, all) => !names.includes(a) && !names.includes(all[i - 1] ?? ''));
if (!['catchup', 'stream', 'both'].includes(phase))
  throw new Error(`--phase must be catchup, stream or both, got ${phase}`);
if (!['esplora', 'core', 'both'].includes(listing))
  throw new Error(`--listing must be esplora, core or both, got ${listing}`);
if (process.env.WHALE_BENCH_RUN) {
  // One measurement, in the process the parent started with whale-watch's flags.
  if (phase === 'stream') await streamPhase();
  else await catchUpPhase(listing as Listing);
} else {
  // Each run in a process of its own, started as bin/whale-watch.js starts (its V8 flags), so each
  // peak RSS is its own and is whale-watch's.
  const runs = [
    ...(phase === 'stream'
      ? []
      : (listing === 'both' ? ['esplora', 'core'] : [listing]).map((l) => ['--phase', 'catchup', '--listing', l])),
    ...(phase === 'catchup' ? [] : [['--phase', 'stream']]),
  ];
  process.stderr.write(`whale-watch's V8 flags: ${WHALE_WATCH_FLAGS.join(' ')}\n`);
  for (const extra of runs) {
    const r = spawnSync(process.execPath, [...WHALE_WATCH_FLAGS, here, ...drop(['--phase', '--listing']), ...extra], {
      stdio: 'inherit',
      env: { ...process.env, WHALE_BENCH_RUN: '1' },
    });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
}
