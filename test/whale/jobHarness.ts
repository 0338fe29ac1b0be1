// Runs whale-watch in-process against the fakes (mempool WS, electrs, a webhook receiver) and reads
// back what it wrote. Waits are on conditions (sequences seen, POSTs received), never on time.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runJob } from '../../src/cli/harness.js';
import { buildSettings } from '../../src/config/settings.js';
import { runWhaleWatch, type WhaleWatchJobDeps } from '../../src/jobs/whaleWatch.js';
import type { StreamEvent } from '../../src/sources/mempool/stream.js';
import type { CatchUpStats } from '../../src/whale/catchUp.js';
import type { OutcomeRow } from '../../src/whale/rows.js';
import { withWhaleDb } from '../../src/store/databases.js';
import { queryRows } from '../../src/store/duckdb.js';
import { type FakeMempool, type FakeBackend, startFakeMempool } from '../fakes/mempool/index.js';
import { coreViewOf } from '../fakes/mempool/coreView.js';
import { electrumViewOf } from '../fakes/mempool/electrumView.js';
import { startFakeElectrum, type ElectrumFlavour, type FakeElectrum } from '../fakes/electrum/server.js';
import { startFakeBitcoind, type FakeBitcoind } from '../fakes/bitcoind/index.js';
import { generateChain, type SyntheticChain } from '../fakes/chain/index.js';
import { startFakeElectrs, type FakeElectrs } from '../fakes/electrs/server.js';
import { EXCHANGE_CSV } from './helpers.js';

export const SECRET = 'whale-test-secret';

export interface Hook {
  url: string;
  posts: { body: Record<string, unknown>; signatureOk: boolean }[];
  close(): Promise<void>;
}

export async function startHook(): Promise<Hook> {
  const posts: Hook['posts'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const want = 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex');
      posts.push({
        body: JSON.parse(body) as Record<string, unknown>,
        signatureOk: req.headers['x-utxoracle-signature'] === want,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    posts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface World {
  dir: string;
  fake: FakeMempool;
  electrs: FakeElectrs;
  /** The Electrum server, when the world has one. */
  electrum?: FakeElectrum;
  /** Bitcoin Core beside the mempool, when the world has one. */
  core?: FakeBitcoind;
  hook: Hook;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Which stack a world is: what mempool runs on, and which index servers and node whale-watch may ask. */
export interface WorldOptions {
  /** mempool's BACKEND (default 'none', its own default) and version (default 3.2.1). */
  backend?: FakeBackend;
  version?: string;
  /** ELECTRS_API_URL points at the fake electrs (default); false: ELECTRS_API_URL=none. */
  esplora?: boolean;
  /** An Electrum server (romanz/electrs or Fulcrum) as ELECTRUM_HOST/PORT. */
  electrum?: { flavour: ElectrumFlavour };
  /** Bitcoin Core as BITCOIN_RPC_URL (with or without txindex); default: none (a refused port). */
  core?: { txindex?: boolean };
}

let tinyChain: SyntheticChain | undefined;

export async function startWorld(
  extraEnv: Record<string, string> = {},
  tipHeight = 850_000,
  o: WorldOptions = {},
): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whale-'));
  const fake = await startFakeMempool({
    tipHeight,
    backend: o.backend,
    version: o.version,
    txindex: o.core?.txindex,
  });
  // electrs beside it sees the same Bitcoin Core: its mempool, blocks and the spent outputs.
  const electrs = await startFakeElectrs({ tipHeight, view: fake.esplora });
  const electrum = o.electrum
    ? await startFakeElectrum({ flavour: o.electrum.flavour, view: electrumViewOf(fake.state) })
    : undefined;
  // Whale-watch asks Core about transactions only; its chain is a few blocks, built once.
  tinyChain ??= generateChain({
    seed: 3,
    date: '2025-01-01',
    price: 95_000,
    marginBeforeBlocks: 1,
    marginAfterBlocks: 1,
  });
  const core = o.core
    ? await startFakeBitcoind({
        chain: tinyChain,
        auth: { user: 'whale', password: 'watch' },
        rest: false,
        authFailDelayMs: 1,
        mempool: coreViewOf(fake.state),
      })
    : undefined;
  const hook = await startHook();
  const env: Record<string, string> = {
    UTXORACLE_DATA_DIR: dir,
    MEMPOOL_WS_URL: fake.wsUrl,
    MEMPOOL_API_URL: fake.url,
    ELECTRS_API_URL: o.esplora === false ? 'none' : electrs.url,
    ALERT_WEBHOOK_URL: hook.url,
    ALERT_WEBHOOK_SECRET: SECRET,
    EXCHANGE_ADDRESSES_FILE: EXCHANGE_CSV,
    // Without a Core in the world, a refused port: its lookup is skipped, as on a machine without one.
    BITCOIN_RPC_URL: core?.url ?? 'http://127.0.0.1:9',
    BITCOIN_RPC_USER: core ? 'whale' : 'nobody',
    BITCOIN_RPC_PASSWORD: core ? 'watch' : 'nothing',
    WHALE_FLUSH_INTERVAL_MS: '50',
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    ...(electrum ? { ELECTRUM_HOST: electrum.host, ELECTRUM_PORT: String(electrum.port) } : {}),
    ...extraEnv,
  };
  return {
    dir,
    fake,
    electrs,
    electrum,
    core,
    hook,
    env,
    async close() {
      await fake.close();
      await electrs.close();
      await electrum?.close();
      await core?.close();
      await hook.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Run {
  events: StreamEvent[];
  /** Each finished catch-up pass, as a snapshot of the counters. */
  passes: CatchUpStats[];
  /** Every outcome row as it was decided, in order. */
  outcomes: OutcomeRow[];
  /** Resolves once the job has handled every delta the fake sent it since it subscribed. */
  drained(): Promise<void>;
  /** Resolves once `n` catch-up passes have finished (the first one runs at start). */
  passesDone(n: number): Promise<void>;
  /** Resolves once the run has subscribed `n` times in all (reconnects included). */
  subscribed(n: number): Promise<void>;
  stop(): Promise<{ code: number; result: Record<string, unknown> }>;
}

const trackings = (w: World): number =>
  w.fake.received.filter((r) => (r.message as Record<string, unknown>)['track-mempool'] === true).length;

/** Starts whale-watch (until stop()), waits for its subscription and its first catch-up with the mempool. */
export async function startRun(w: World, flags: { dryRun?: boolean } = {}, deps: WhaleWatchJobDeps = {}): Promise<Run> {
  const events: StreamEvent[] = [];
  const passes: CatchUpStats[] = [];
  const outcomes: OutcomeRow[] = [];
  let deltas = 0;
  const stopper = new AbortController();
  const out: string[] = [];
  const subscribedBefore = trackings(w);
  let deltasBefore = w.fake.deltasSent();
  const done = runJob({
    job: 'whale-watch',
    flags: { json: true, ...flags },
    env: w.env,
    stdout: (l) => out.push(l),
    main: (ctx) =>
      runWhaleWatch(
        {},
        { ...ctx, signal: AbortSignal.any([ctx.signal, stopper.signal]) },
        {
          ...deps,
          attach: (runner) => {
            runner.events.on('event', (ev) => {
              events.push(ev);
              if (ev.type === 'transactions') deltas++;
            });
            runner.events.on('catchUp', (stats) => passes.push({ ...stats }));
            runner.events.on('outcomes', (rows) => outcomes.push(...rows));
            deps.attach?.(runner);
          },
        },
      ),
  });
  await until(() => trackings(w) > subscribedBefore, 'the subscription');
  deltasBefore = w.fake.deltasSent();
  await until(() => passes.length >= 1, 'the first catch-up');
  return {
    events,
    passes,
    outcomes,
    drained: () =>
      until(() => deltas >= w.fake.deltasSent() - deltasBefore, `${w.fake.deltasSent() - deltasBefore} deltas`),
    passesDone: (n) => until(() => passes.length >= n, `${n} catch-up passes`),
    subscribed: (n) => until(() => trackings(w) - subscribedBefore >= n, `${n} subscriptions`),
    async stop() {
      stopper.abort();
      const code = await done;
      return { code, result: JSON.parse(out[out.length - 1] ?? '{}') as Record<string, unknown> };
    },
  };
}

export async function readTable(w: World, sql: string): Promise<Record<string, unknown>[]> {
  return withWhaleDb(buildSettings(w.env), (conn) => queryRows(conn, sql), { readOnly: true });
}
