// The other side of `npm run bench:whale`, in its own process so whale-watch's RSS is its own: a
// fake mempool backend on its default BACKEND 'none' (every prevout null, as upstream) and, as the
// catch-up's listing source, either a fake electrs on the same "node" (the mempool listing and each
// transaction with its prevouts) or a fake Bitcoin Core alone (getrawmempool, getrawtransaction in
// batches, gettxout for the whales' spent coins; no txindex).
//
//   catchup: a mempool of `mempool` transactions (a whale every `whaleEvery`) exists before
//            whale-watch starts; electrs serves them, generated on demand; while whale-watch
//            catches up, live deltas go on at `liveRate` tx/s (a whale every `liveWhaleEvery`).
//   stream:  `count` added transactions at `rate` tx/s in deltas of `batch`, a whale every `whaleEvery`.
// For every delta it reports [sequence, time sent], so the bench can measure detection latency.
import type { EsploraTx } from '../../test/fakes/electrs/server.js';
import { startFakeElectrs } from '../../test/fakes/electrs/server.js';
import { startFakeBitcoind } from '../../test/fakes/bitcoind/index.js';
import { generateChain } from '../../test/fakes/chain/index.js';
import type { CoreMempoolView } from '../../test/fakes/mempool/coreView.js';
import { keepRawTxs, rawTxOf } from '../../test/fakes/mempool/raw.js';
import {
  esploraTx,
  makeBatchTx,
  makeTx,
  startFakeMempool,
  withoutPrevouts,
  type FakeTx,
  type FakeTxOut,
} from '../../test/fakes/mempool/index.js';

/** Where whale-watch lists the mempool and looks transactions up while catching up. */
export type Listing = 'esplora' | 'core';

export type FakeJob =
  | {
      mode: 'catchup';
      listing: Listing;
      mempool: number;
      whaleEvery: number;
      liveRate: number;
      liveWhaleEvery: number;
    }
  | { mode: 'stream'; count: number; rate: number; batch: number; whaleEvery: number };

/** The credentials of the fake Core. */
export const CORE_AUTH = { user: 'bench', password: 'bench' };

const WHALE_SATS = 150 * 100_000_000;
const UNCONFIRMED = { confirmed: false };
const send = (m: unknown) => process.send!(m);
const nowMs = (): number => Date.now();

function whaleIf(tx: FakeTx, isWhale: boolean): FakeTx {
  if (isWhale) tx.vout[0]!.value = WHALE_SATS;
  return tx;
}

/** A whale in real bytes (Core serves the raw transaction, so its value must be in them). */
const rawWhale = (i: number, prefix: string): FakeTx =>
  makeTx({
    seed: `${prefix}:${i}`,
    outputs: [{ address: `bc1qfakepay${i}`, value: WHALE_SATS }],
    feeRate: 5 + (i % 17),
  });

/**
 * Bitcoin Core beside that mempool: its getrawmempool is the standing mempool, getrawtransaction
 * finds mempool transactions (no txindex), gettxout the coins the whales spend.
 */
function coreView(
  ids: string[],
  byId: (txid: string) => FakeTx | undefined,
  spent: Map<string, FakeTxOut>,
): CoreMempoolView {
  const tip = '00'.repeat(32);
  return {
    txindex: false,
    tipHeight: () => 850_000,
    tipHash: () => tip,
    blockHeight: (hash) => (hash === tip ? 850_000 : undefined),
    rawMempool: () => ids,
    tx(txid) {
      // Every transaction made here registered its bytes (makeTx): no need to make it again.
      const raw = rawTxOf(txid);
      return raw ? { hex: raw.toString('hex') } : undefined;
    },
    utxo(txid, n) {
      const out = spent.get(`${txid}:${n}`);
      return out ? { out, height: 849_000 } : undefined;
    },
    mempoolEntry: byId,
  };
}

export async function fakeChild(): Promise<void> {
  const job = await new Promise<FakeJob>((r) => process.once('message', (m) => r(m as FakeJob)));
  // The standing mempool (catchup) is generated on demand from its index; live whales are kept whole.
  const standing = job.mode === 'catchup' ? job.mempool : 0;
  const core = job.mode === 'catchup' && job.listing === 'core';
  // Only a fake Core serves raw bytes: without one, the fake keeps none.
  keepRawTxs(core);
  const isStandingWhale = (i: number) => job.mode === 'catchup' && (i + 1) % job.whaleEvery === 0;
  const standingAt = (i: number): FakeTx =>
    core && isStandingWhale(i) ? rawWhale(i, 'standing') : whaleIf(makeBatchTx(i, 'standing'), isStandingWhale(i));
  const spent = new Map<string, FakeTxOut>();
  const standingIds: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < standing; i++) {
    const t = standingAt(i);
    standingIds.push(t.txid);
    index.set(t.txid, i);
    // The coins the whales spend, for gettxout (Core keeps every unspent output; the others are never asked).
    if (core && isStandingWhale(i)) for (const v of t.vin) if (v.prevout) spent.set(`${v.txid}:${v.vout}`, v.prevout);
  }
  const live = new Map<string, FakeTx>();
  const electrs = await startFakeElectrs({
    tipHeight: 850_000,
    view: {
      mempoolTxids: () => standingIds,
      tx(txid): EsploraTx | undefined {
        const i = index.get(txid);
        if (i !== undefined) return esploraTx(standingAt(i), UNCONFIRMED);
        const t = live.get(txid);
        return t ? esploraTx(t, UNCONFIRMED) : undefined;
      },
    },
  });
  const fake = await startFakeMempool({ tipHeight: 850_000 });
  fake.setMempoolBlocksOnUpdate(false);
  const byId = (txid: string): FakeTx | undefined => {
    const i = index.get(txid);
    return i !== undefined ? standingAt(i) : live.get(txid);
  };
  // Core's chain matters not here (whale-watch asks it about transactions only): the smallest there is.
  const node = core
    ? await startFakeBitcoind({
        chain: generateChain({
          seed: 3,
          date: '2025-01-01',
          price: 95_000,
          marginBeforeBlocks: 1,
          marginAfterBlocks: 1,
        }),
        auth: CORE_AUTH,
        rest: false,
        authFailDelayMs: 1,
        mempool: coreView(standingIds, byId, spent),
      })
    : undefined;
  send({ ready: { wsUrl: fake.wsUrl, electrsUrl: electrs.url, coreUrl: node?.url } });
  await fake.waitForClients(1, 30_000, true);
  await new Promise((r) => setTimeout(r, 200)); // let the subscription's replies land

  const sent: number[] = []; // [sequence, time, sequence, time, ...]
  let stop = false;
  process.on('message', (m) => {
    if (m === 'stop-live') stop = true;
  });
  const batchSize = job.mode === 'stream' ? job.batch : 10;
  const rate = job.mode === 'stream' ? job.rate : job.liveRate;
  const total = job.mode === 'stream' ? job.count : Number.POSITIVE_INFINITY;
  const whaleEvery = job.mode === 'stream' ? job.whaleEvery : job.liveWhaleEvery;
  const interval = (1000 * batchSize) / rate;
  const batches = Math.ceil(total / batchSize);
  const start = performance.now();
  for (let i = 0; i < batches && !stop; i++) {
    const n = Math.min(batchSize, total - i * batchSize);
    const txs: FakeTx[] = [];
    for (let j = 0; j < n; j++) {
      const k = i * batchSize + j;
      const whale = (k + 1) % whaleEvery === 0;
      const tx = core && whale ? rawWhale(k, `live:${job.mode}`) : whaleIf(makeBatchTx(k, `live:${job.mode}`), whale);
      if (whale) {
        live.set(tx.txid, tx);
        if (core) for (const v of tx.vin) if (v.prevout) spent.set(`${v.txid}:${v.vout}`, v.prevout);
      }
      txs.push(withoutPrevouts(tx));
    }
    const json = JSON.stringify(txs);
    const wait = start + i * interval - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    fake.addSerialized(json);
    sent.push(fake.state.sequence, nowMs());
    if (job.mode === 'stream' && i % Math.max(1, Math.round(batches / 20)) === 0)
      send({ progress: (i * batchSize) / total });
  }
  send({ done: { sent, elapsedMs: performance.now() - start } });
  await new Promise((r) => process.once('message', r));
  await fake.close();
  await electrs.close();
  await node?.close();
  process.exit(0);
}

if (process.argv.includes('--fake-child')) await fakeChild();
