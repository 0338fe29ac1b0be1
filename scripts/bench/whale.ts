// npm run bench:whale [-- --count 1000000 --rate 5000 --batch 100 --whale-every 1000]
//
// Pushes `count` added transactions through the fake mempool WebSocket at `rate` tx/s into the real
// whale-watch job (stream, detection, flow labels against the real exchange list of test/fixtures, batched DuckDB writes) and prints detection latency percentiles and peak RSS. The fake runs
// in a child process, so the RSS is whale-watch's alone; it records when it sent each sequence
// number, whale-watch records when it detected each whale, and latency is the difference
// (same machine, same clock). Targets: p99 < 100 ms, RSS < 200 MB. WHALE_BENCH_TRACE=1 prints the
// latency of each whale in order (stalls show as runs of high values); WHALE_FLUSH_INTERVAL_MS is passed on.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
// Date.now(), not performance.timeOrigin + now(): timeOrigin is fixed per process and two processes' can
// disagree by hundreds of ms; the wall clock is shared (1 ms resolution is enough against a 100 ms target).
const nowMs = (): number => Date.now();

interface Go {
  count: number;
  rate: number;
  batch: number;
  whaleEvery: number;
}

async function fakeChild(): Promise<void> {
  const { startFakeMempool, makeTxBatch } = await import('../../test/fakes/mempool/index.js');
  const fake = await startFakeMempool({ tipHeight: 850_000 });
  fake.setMempoolBlocksOnUpdate(false);
  process.send!({ wsUrl: fake.wsUrl });
  const go = await new Promise<Go>((r) => process.once('message', (m) => r(m as Go)));
  await fake.waitForClients(1, 30_000, true);
  await new Promise((r) => setTimeout(r, 500)); // let the subscription's replies land
  const sent: number[] = []; // [sequence, time, sequence, time, ...]
  const batches = Math.ceil(go.count / go.batch);
  const interval = (1000 * go.batch) / go.rate;
  const start = performance.now();
  for (let i = 0; i < batches; i++) {
    const txs = makeTxBatch(Math.min(go.batch, go.count - i * go.batch), `bench:${i}`);
    for (let j = 0; j < txs.length; j++) {
      if ((i * go.batch + j + 1) % go.whaleEvery === 0) txs[j]!.vout[0]!.value = 150 * 100_000_000;
    }
    const json = JSON.stringify(txs);
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    fake.addSerialized(json);
    sent.push(fake.state.sequence, nowMs());
    if (i % Math.max(1, Math.round(batches / 20)) === 0) process.send!({ progress: (i * go.batch) / go.count });
  }
  process.send!({ done: true, sent, elapsedMs: performance.now() - start });
  await new Promise((r) => process.once('message', r));
  await fake.close();
  process.exit(0);
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : Number.NaN;
}

async function main(): Promise<void> {
  const go: Go = {
    count: arg('count', 1_000_000),
    rate: arg('rate', 5_000),
    batch: arg('batch', 100),
    whaleEvery: arg('whale-every', 1_000),
  };
  const child = fork(fileURLToPath(import.meta.url), ['--fake-child'], {
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
  const next = async (key: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const m = messages.find((x) => key in x);
      if (m) return m;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const { wsUrl } = (await next('wsUrl')) as { wsUrl: string };

  const { runJob } = await import('../../src/cli/harness.js');
  const { runWhaleWatch } = await import('../../src/jobs/whaleWatch.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whale-bench-'));
  const csv = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../../test/fixtures/exchanges/exchange_addresses.csv',
  );
  const env: Record<string, string> = {
    UTXORACLE_DATA_DIR: dir,
    MEMPOOL_WS_URL: wsUrl,
    ELECTRS_API_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    WHALE_FLUSH_INTERVAL_MS: process.env.WHALE_FLUSH_INTERVAL_MS ?? '2000',
  };
  if (fs.existsSync(csv)) env.EXCHANGE_ADDRESSES_FILE = csv;

  const detectedAt = new Map<number, number[]>(); // sequence -> detection times of its whales
  let lastSeq = 0;
  let added = 0;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const stop = new AbortController();
  const job = runJob({
    job: 'whale-watch',
    flags: { json: true },
    env,
    stdout: () => undefined,
    main: (ctx) =>
      runWhaleWatch(
        {},
        { ...ctx, signal: AbortSignal.any([ctx.signal, stop.signal]) },
        {
          onPrediction: (_row, info) => {
            const t = nowMs();
            const list = detectedAt.get(info.sequence);
            if (list) list.push(t);
            else detectedAt.set(info.sequence, [t]);
          },
          onEvent: (ev) => {
            if (ev.type !== 'transactions') return;
            lastSeq = ev.sequence;
            added += ev.added.length;
          },
        },
      ),
  });
  process.stderr.write(
    `whale bench: ${go.count} txs at ${go.rate} tx/s in batches of ${go.batch}, a whale every ${go.whaleEvery}\n`,
  );
  child.send(go);
  const done = (await next('done')) as { sent: number[]; elapsedMs: number };
  const lastSent = done.sent[done.sent.length - 2]!;
  const deadline = Date.now() + 30_000;
  while (lastSeq < lastSent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  stop.abort();
  const code = await job;
  clearInterval(sampler);
  child.send('bye');

  const sentAt = new Map<number, number>();
  for (let i = 0; i < done.sent.length; i += 2) sentAt.set(done.sent[i]!, done.sent[i + 1]!);
  const lat: number[] = [];
  for (const [seq, times] of detectedAt) {
    const s = sentAt.get(seq);
    if (s !== undefined) for (const t of times) lat.push(t - s);
  }
  if (process.env.WHALE_BENCH_TRACE) {
    const bySeq = [...detectedAt.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([seq, t]) => Math.round(t[0]! - (sentAt.get(seq) ?? 0)));
    console.log('latency by sequence:', bySeq.join(' '));
  }
  lat.sort((a, b) => a - b);
  const whalesExpected = Math.floor(go.count / go.whaleEvery);
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(
    `sent ${go.count} txs in ${(done.elapsedMs / 1000).toFixed(1)} s (${((go.count * 1000) / done.elapsedMs).toFixed(0)} tx/s); whale-watch read ${added} (exit ${code})`,
  );
  console.log(`whales detected ${lat.length} of ${whalesExpected}`);
  console.log(
    `detection latency ms: p50 ${pct(lat, 0.5).toFixed(2)}  p90 ${pct(lat, 0.9).toFixed(2)}  p99 ${pct(lat, 0.99).toFixed(2)}  max ${(lat[lat.length - 1] ?? Number.NaN).toFixed(2)}   (target p99 < 100)`,
  );
  console.log(`peak RSS ${mb(peakRss)} MB (target < 200)`);
  fs.rmSync(dir, { recursive: true, force: true });
}

if (process.argv.includes('--fake-child')) await fakeChild();
else await main();
