// whale-watch end to end over real sockets: the fake mempool WebSocket (captured shapes), fake
// electrs and a webhook receiver. Each scenario asserts the rows and the alerts exactly.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTx, runScenario } from '../fakes/mempool/index.js';
import { ADDR, BTC, projected } from '../whale/helpers.js';
import { readTable, startRun, startWorld, type World } from '../whale/jobHarness.js';

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});
async function world(env: Record<string, string> = {}): Promise<World> {
  const w = await startWorld(env);
  worlds.push(w);
  // Projected blocks with floors 20, 10, 5, 2 sat/vB (next block median 30), sent on subscribing.
  w.fake.state.projectedOverride = [projected(20, 30), projected(10, 15), projected(5, 7), projected(2, 3)].map(
    (b) => ({ ...b }),
  );
  return w;
}

const PRED_COLS = `txid, total_sats, flow, exchanges, prevouts_known, rbf, urgency, tip_height, predicted_height, predicted_window, replaces_txid, root_txid, alerted`;
const OUT_COLS = `txid, outcome, confirmed_height, confirmed_txid, blocks_vs_predicted, within_window, replaced_by, source`;
const subscriptions = (w: World) =>
  w.fake.received.filter((r) => (r.message as Record<string, unknown>)['track-mempool'] === true).length;

// The whales of the main scenario, with real exchange addresses.
const inflow = makeTx({
  seed: 'inflow',
  inputs: [{ address: ADDR.user1, value: 150 * BTC + 2_500 }],
  outputs: [{ address: ADDR.binanceCold, value: 150 * BTC }],
}); // 2,500 sat / 110 vB
const inflowBump = makeTx({
  seed: 'inflow-bump',
  inputs: [{ address: ADDR.user1, value: 150 * BTC + 8_000 }],
  outputs: [{ address: ADDR.binanceCold, value: 150 * BTC }],
});
const outflow = makeTx({
  seed: 'outflow',
  inputs: [{ address: ADDR.krakenCold, value: 200 * BTC + 1_700 }],
  outputs: [
    { address: ADDR.user1, value: 180 * BTC },
    { address: ADDR.krakenCold, value: 20 * BTC },
  ],
}); // 12.06 sat/vB
const internal = makeTx({
  seed: 'internal',
  inputs: [{ address: ADDR.krakenCold, value: 120 * BTC + 330 }],
  outputs: [{ address: ADDR.coinbase, value: 120 * BTC }],
  rbf: false,
}); // 3 sat/vB
const exactly100 = makeTx({
  seed: 'exactly100',
  outputs: [
    { address: ADDR.user2, value: 60 * BTC },
    { address: ADDR.user1, value: 40 * BTC },
  ],
  feeRate: 1,
});
const justBelow = makeTx({
  seed: 'below',
  outputs: [{ address: ADDR.binanceCold, value: 100 * BTC - 1 }],
  feeRate: 50,
});
const small = makeTx({ seed: 'small', outputs: [{ address: ADDR.user1, value: 5 * BTC }], feeRate: 50 });
const rateOf = (t: { fee: number; vsize: number }) => t.fee / t.vsize;

describe('whale-watch scenarios', () => {
  it('detects, labels, follows an RBF replacement to confirmation, a drop, and alerts once each', async () => {
    const w = await world();
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [inflow, outflow, internal, exactly100, justBelow, small] },
      { do: 'replace', replaced: inflow.txid, by: inflowBump },
      { do: 'mine', txids: [inflowBump.txid, outflow.txid] }, // block 850001
      { do: 'remove', txids: [internal.txid] },
    ]);
    await run.caughtUp();
    const { code, result } = await run.stop();
    expect(code).toBe(0);
    expect(result).toMatchObject({
      whales: 4,
      tracked: 1,
      watcher: { confirmed: 2, replaced: 1, dropped: 1, replacementsFollowed: 1, gaps: 0 },
    });

    const preds = await readTable(w, `SELECT ${PRED_COLS} FROM mempool_predictions ORDER BY detected_at, txid`);
    const p = (t: { txid: string }) => preds.find((r) => r.txid === t.txid);
    expect(preds).toHaveLength(5);
    expect(p(justBelow)).toBeUndefined();
    expect(p(small)).toBeUndefined();
    expect(p(inflow)).toEqual({
      txid: inflow.txid,
      total_sats: 15_000_000_000n,
      flow: 'inflow',
      exchanges: 'Binance',
      prevouts_known: true,
      rbf: true,
      urgency: 0.75 + 0.25 * ((rateOf(inflow) - 20) / 10),
      tip_height: 850_000,
      predicted_height: 850_001,
      predicted_window: 2,
      replaces_txid: null,
      root_txid: inflow.txid,
      alerted: true,
    });
    expect(p(inflowBump)).toMatchObject({
      flow: 'inflow',
      urgency: 1,
      predicted_height: 850_001,
      replaces_txid: inflow.txid,
      root_txid: inflow.txid,
      alerted: false,
    });
    expect(p(outflow)).toMatchObject({
      total_sats: 20_000_000_000n,
      flow: 'outflow',
      exchanges: 'Kraken',
      urgency: 0.75 * 0.75 + (0.75 / 4) * ((rateOf(outflow) - 10) / 10),
      predicted_height: 850_002,
      alerted: true,
    });
    expect(p(internal)).toMatchObject({
      flow: 'internal',
      exchanges: 'Coinbase,Kraken',
      rbf: false,
      predicted_height: 850_004,
      alerted: true,
    });
    expect(p(exactly100)).toMatchObject({
      total_sats: 10_000_000_000n,
      flow: 'unknown',
      exchanges: '',
      urgency: (0.75 / 4) * (rateOf(exactly100) / 2),
      predicted_height: 850_005,
      alerted: true,
    });

    const outs = await readTable(w, `SELECT ${OUT_COLS} FROM prediction_outcomes ORDER BY txid`);
    expect(outs).toEqual(
      [
        {
          txid: inflow.txid,
          outcome: 'replaced',
          confirmed_height: 850_001,
          confirmed_txid: inflowBump.txid,
          blocks_vs_predicted: 0,
          within_window: true,
          replaced_by: inflowBump.txid,
          source: 'stream',
        },
        {
          txid: inflowBump.txid,
          outcome: 'confirmed',
          confirmed_height: 850_001,
          confirmed_txid: inflowBump.txid,
          blocks_vs_predicted: 0,
          within_window: true,
          replaced_by: null,
          source: 'stream',
        },
        {
          txid: outflow.txid,
          outcome: 'confirmed',
          confirmed_height: 850_001,
          confirmed_txid: outflow.txid,
          blocks_vs_predicted: -1,
          within_window: true,
          replaced_by: null,
          source: 'stream',
        },
        {
          txid: internal.txid,
          outcome: 'dropped',
          confirmed_height: null,
          confirmed_txid: null,
          blocks_vs_predicted: null,
          within_window: false,
          replaced_by: null,
          source: 'stream',
        },
      ].sort((a, b) => a.txid.localeCompare(b.txid)),
    );

    // One signed alert per whale; none for the replacement.
    expect(w.hook.posts.every((x) => x.signatureOk)).toBe(true);
    const alerted = w.hook.posts.map((x) => (x.body.payload as Record<string, unknown>).txid).sort();
    expect(alerted).toEqual([inflow.txid, outflow.txid, internal.txid, exactly100.txid].sort());
    expect(
      w.hook.posts.find((x) => (x.body.payload as Record<string, unknown>).txid === outflow.txid)?.body,
    ).toMatchObject({
      event_type: 'whale_transaction',
      payload: {
        value_btc: 200,
        value_sats: '20000000000',
        flow: 'outflow',
        exchanges: ['Kraken'],
        prevouts_known: true,
        rbf: true,
        predicted_height: 850_002,
        predicted_window: 2,
      },
    });
    expect(
      await readTable(w, `SELECT count(*) AS n FROM alert_events WHERE event_type = 'whale_transaction' AND delivered`),
    ).toEqual([{ n: 4n }]);
    expect(await readTable(w, 'SELECT connected, whales, gaps FROM whale_heartbeat')).toEqual([
      { connected: false, whales: 4, gaps: 0 },
    ]);
  });

  it('a cut mid-burst with a sequence gap is counted and reconciled through electrs; a restart does not re-alert', async () => {
    const w = await world();
    const a = makeTx({ seed: 'gap-a', outputs: [{ address: ADDR.binanceCold, value: 300 * BTC }], feeRate: 25 });
    const b = makeTx({ seed: 'gap-b', outputs: [{ address: ADDR.user1, value: 500 * BTC }], feeRate: 25 });
    const run1 = await startRun(w);
    await runScenario(w.fake, [{ do: 'add', txs: [a, b, small] }]);
    await run1.caughtUp();
    // The cut: the client is gone while `a` is mined and two deltas go by unseen.
    w.fake.cutConnections('terminate');
    w.electrs.setTxStatus(a.txid, {
      confirmed: true,
      block_height: 850_001,
      block_hash: 'ab'.repeat(32),
      block_time: 1_700_000_000,
    });
    w.fake.skipSequence(2);
    await w.fake.waitFor(() => subscriptions(w) >= 2, 10_000, 'resubscription');
    await runScenario(w.fake, [
      { do: 'add', txs: [makeTx({ seed: 'after-cut', outputs: [{ address: ADDR.user2, value: BTC }] })] },
    ]);
    await run1.caughtUp();
    const first = await run1.stop();
    expect(first.code).toBe(0);
    expect(first.result).toMatchObject({
      whales: 2,
      reconnects: 1,
      watcher: { gaps: 1 },
      reconcile: { confirmed: 1, errors: 0 },
      tracked: 1,
    });
    expect(w.electrs.requests.get(`/tx/${a.txid}/status`)).toBeGreaterThanOrEqual(1);
    expect(await readTable(w, `SELECT ${OUT_COLS} FROM prediction_outcomes`)).toEqual([
      {
        txid: a.txid,
        outcome: 'confirmed',
        confirmed_height: 850_001,
        confirmed_txid: a.txid,
        blocks_vs_predicted: 0,
        within_window: true,
        replaced_by: null,
        source: 'electrs',
      },
    ]);
    expect(w.hook.posts).toHaveLength(2);

    // Restart: `b` is still pending and is reloaded; both whales are announced again; no new alert.
    const run2 = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [a, b] },
      { do: 'mine', txids: [b.txid] },
    ]);
    await run2.caughtUp();
    const second = await run2.stop();
    expect(second.code).toBe(0);
    expect(second.result).toMatchObject({
      whales: 1,
      watcher: { duplicates: 1, confirmed: 1 },
      store: { alreadyKnown: 1, predictionsWritten: 0 },
    });
    expect(w.hook.posts).toHaveLength(2);
    expect(await readTable(w, 'SELECT count(*) AS n FROM mempool_predictions')).toEqual([{ n: 2n }]);
    expect(
      await readTable(w, `SELECT outcome, confirmed_height FROM prediction_outcomes WHERE txid = '${b.txid}'`),
    ).toEqual([{ outcome: 'confirmed', confirmed_height: w.fake.state.tipHeight }]);
  });

  it('keeps tracking bounded under a flood of whales', async () => {
    const w = await world({ WHALE_MAX_TRACKED: '5' });
    delete (w.env as Record<string, string | undefined>).ALERT_WEBHOOK_URL;
    const run = await startRun(w);
    const flood = Array.from({ length: 60 }, (_, i) =>
      makeTx({ seed: `flood-${i}`, outputs: [{ address: ADDR.user1, value: (100 + i) * BTC }], feeRate: 10 }),
    );
    await runScenario(w.fake, [
      { do: 'add', txs: flood.slice(0, 30) },
      { do: 'add', txs: flood.slice(30) },
    ]);
    await run.caughtUp();
    const { code, result } = await run.stop();
    expect(code).toBe(0);
    expect(result).toMatchObject({
      whales: 60,
      tracked: 5,
      watcher: { evicted: 55 },
      store: { predictionsWritten: 60 },
    });
  });

  it('--dry-run detects and writes nothing', async () => {
    const w = await world();
    const run = await startRun(w, { dryRun: true });
    await runScenario(w.fake, [{ do: 'add', txs: [inflow] }]);
    await run.caughtUp();
    const { code, result } = await run.stop();
    expect(code).toBe(0);
    expect(result).toMatchObject({ dry_run: true, whales: 1, store: { predictionsWritten: 0 } });
    expect(w.hook.posts).toHaveLength(0);
    expect(fs.existsSync(`${w.dir}/mempool_predictions.db`)).toBe(false);
  });

  it('skips wrong-shape messages with a counted warning and keeps going', async () => {
    const w = await world();
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'raw', text: '{"mempool-transactions": {"sequence": 1, "added": [{"txid": "zz"}]}}' },
      { do: 'raw', text: 'not json' },
      { do: 'add', txs: [exactly100] },
    ]);
    await run.caughtUp();
    const { result } = await run.stop();
    expect(result).toMatchObject({ whales: 1, watcher: { invalid: 2 } });
    expect(await readTable(w, 'SELECT txid FROM mempool_predictions')).toEqual([{ txid: exactly100.txid }]);
  });
});
