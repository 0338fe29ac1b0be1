// Spent outputs under mempool's default backend (config.ts BACKEND 'none'): every input comes with
// `prevout: null` (bitcoin-api.ts $convertTransaction), so whale-watch asks electrs: the whale's own
// `/tx/:txid` first, the funding transactions when electrs does not know the whale yet, and labels
// `unknown` only when electrs cannot tell either.
import { afterEach, describe, expect, it } from 'vitest';
import { fakeTxid, makeReplacement, makeTx, runScenario } from '../fakes/mempool/index.js';
import { startFakeMempool } from '../fakes/mempool/index.js';
import { ADDR, BTC } from '../whale/helpers.js';
import { readTable, startRun } from '../whale/jobHarness.js';
import { byTxid, closeWorlds, world } from '../whale/scenarioKit.js';

afterEach(closeWorlds);

const FUNDING = fakeTxid('prevouts-funding');
// Known to electrs: a Kraken withdrawal.
const known = makeTx({
  seed: 'pv-known',
  inputs: [{ address: ADDR.krakenCold, value: 220 * BTC + 900 }],
  outputs: [
    { address: ADDR.user1, value: 200 * BTC },
    { address: ADDR.krakenCold, value: 20 * BTC },
  ],
});
// Not yet in electrs' mempool: two Kraken inputs from one funding transaction.
const lagging = makeTx({
  seed: 'pv-lagging',
  inputs: [
    { address: ADDR.krakenCold, value: 100 * BTC },
    { address: ADDR.krakenCold, value: 60 * BTC },
  ],
  spends: [
    { txid: FUNDING, vout: 0 },
    { txid: FUNDING, vout: 1 },
  ],
  outputs: [{ address: ADDR.user2, value: 160 * BTC - 2_000 }],
});
const laggingBump = makeReplacement(lagging, { seed: 'pv-lagging-bump' });
// Neither it nor its funding transaction is known to electrs: a deposit-looking payment stays unknown.
const unknowable = makeTx({
  seed: 'pv-unknowable',
  outputs: [{ address: ADDR.binanceCold, value: 150 * BTC }],
  feeRate: 8,
});

const FLOW = 'txid, flow, exchanges, prevouts_known, alerted';

describe('prevouts from electrs', () => {
  it('from the whale’s /tx/:txid, from its funding transactions (once, cached), or unknown when electrs cannot tell', async () => {
    const w = await world();
    w.electrs.setUnknown([lagging.txid, laggingBump.txid, unknowable.txid, unknowable.vin[0]!.txid]);
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [known, lagging, unknowable] },
      { do: 'replace', replaced: lagging.txid, by: laggingBump },
    ]);
    await run.drained();
    const { result } = await run.stop();
    // The stream really sent no prevouts.
    const added = run.events.flatMap((e) => (e.type === 'transactions' ? e.added : []));
    expect(added.flatMap((t) => t.vin.map((v) => v.prevout))).toEqual(Array(6).fill(null));
    expect(await readTable(w, `SELECT ${FLOW} FROM mempool_predictions ORDER BY txid`)).toEqual(
      byTxid([
        { txid: known.txid, flow: 'outflow', exchanges: 'Kraken', prevouts_known: true, alerted: true },
        { txid: lagging.txid, flow: 'outflow', exchanges: 'Kraken', prevouts_known: true, alerted: true },
        { txid: laggingBump.txid, flow: 'outflow', exchanges: 'Kraken', prevouts_known: true, alerted: false },
        { txid: unknowable.txid, flow: 'unknown', exchanges: 'Binance', prevouts_known: false, alerted: true },
      ]),
    );
    expect(result).toMatchObject({
      // The replacement's inputs come from the cache or from the request still in flight for its original.
      prevouts: { lookups: 4, fromTx: 1, fromFunding: 4, missing: 1, errors: 0, skipped: 0 },
    });
    const req = (p: string) => w.electrs.requests.get(p) ?? 0;
    expect([req(`/tx/${known.txid}`), req(`/tx/${known.vin[0]!.txid}`)]).toEqual([1, 0]);
    // The funding transaction shared by both inputs, and by the replacement, was fetched once.
    expect(req(`/tx/${FUNDING}`)).toBe(1);
    expect([req(`/tx/${unknowable.txid}`), req(`/tx/${unknowable.vin[0]!.txid}`)]).toEqual([1, 1]);
    // The alerts carry the labels.
    expect(
      w.hook.posts.map((p) => {
        const { txid, flow, prevouts_known } = p.body.payload as Record<string, unknown>;
        return { txid, flow, prevouts_known };
      }),
    ).toEqual(
      expect.arrayContaining([
        { txid: known.txid, flow: 'outflow', prevouts_known: true },
        { txid: lagging.txid, flow: 'outflow', prevouts_known: true },
        { txid: unknowable.txid, flow: 'unknown', prevouts_known: false },
      ]),
    );
    expect(w.hook.posts).toHaveLength(3);
  });

  it('a backend that sends prevouts (BACKEND esplora) needs no electrs lookup', async () => {
    const w = await world();
    // Swap in a mempool whose backend fills the prevouts, on the same electrs view.
    await w.fake.close();
    const fake = await startFakeMempool({ tipHeight: 850_000, backend: 'esplora' });
    fake.state.projectedOverride = w.fake.state.projectedOverride;
    Object.assign(w, { fake });
    w.env.MEMPOOL_WS_URL = fake.wsUrl;
    const run = await startRun(w);
    await runScenario(fake, [{ do: 'add', txs: [known] }]);
    await run.drained();
    const { result } = await run.stop();
    expect(result).toMatchObject({ prevouts: { lookups: 0 } });
    expect(await readTable(w, `SELECT ${FLOW} FROM mempool_predictions`)).toEqual([
      { txid: known.txid, flow: 'outflow', exchanges: 'Kraken', prevouts_known: true, alerted: true },
    ]);
    expect(w.electrs.requests.get(`/tx/${known.txid}`)).toBeUndefined();
  });
});
