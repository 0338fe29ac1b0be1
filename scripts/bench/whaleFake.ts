// The other side of `npm run bench:whale`, in its own process so whale-watch's RSS is its own: a
// fake mempool backend on its default BACKEND 'none' (every prevout null, as upstream) and a fake
// electrs on the same "node", serving the mempool listing and each transaction with its prevouts.
//
//   catchup: a mempool of `mempool` transactions (a whale every `whaleEvery`) exists before
//            whale-watch starts; electrs serves them, generated on demand; while whale-watch
//            catches up, live deltas go on at `liveRate` tx/s (a whale every `liveWhaleEvery`).
//   stream:  `count` added transactions at `rate` tx/s in deltas of `batch`, a whale every `whaleEvery`.
// For every delta it reports [sequence, time sent], so the bench can measure detection latency.
import type { EsploraTx } from '../../test/fakes/electrs/server.js';
import { startFakeElectrs } from '../../test/fakes/electrs/server.js';
import {
  esploraTx,
  makeBatchTx,
  startFakeMempool,
  withoutPrevouts,
  type FakeTx,
} from '../../test/fakes/mempool/index.js';

export type FakeJob =
  | { mode: 'catchup'; mempool: number; whaleEvery: number; liveRate: number; liveWhaleEvery: number }
  | { mode: 'stream'; count: number; rate: number; batch: number; whaleEvery: number };

const WHALE_SATS = 150 * 100_000_000;
const UNCONFIRMED = { confirmed: false };
const send = (m: unknown) => process.send!(m);
const nowMs = (): number => Date.now();

function whaleIf(tx: FakeTx, isWhale: boolean): FakeTx {
  if (isWhale) tx.vout[0]!.value = WHALE_SATS;
  return tx;
}

export async function fakeChild(): Promise<void> {
  const job = await new Promise<FakeJob>((r) => process.once('message', (m) => r(m as FakeJob)));
  // The standing mempool (catchup) is generated on demand from its index; live whales are kept whole.
  const standing = job.mode === 'catchup' ? job.mempool : 0;
  const standingAt = (i: number): FakeTx =>
    whaleIf(makeBatchTx(i, 'standing'), job.mode === 'catchup' && (i + 1) % job.whaleEvery === 0);
  const standingIds: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < standing; i++) {
    const id = standingAt(i).txid;
    standingIds.push(id);
    index.set(id, i);
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
  send({ ready: { wsUrl: fake.wsUrl, electrsUrl: electrs.url } });
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
      const tx = whaleIf(makeBatchTx(k, `live:${job.mode}`), (k + 1) % whaleEvery === 0);
      if (tx.vout[0]!.value === WHALE_SATS) live.set(tx.txid, tx);
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
  process.exit(0);
}

if (process.argv.includes('--fake-child')) await fakeChild();
