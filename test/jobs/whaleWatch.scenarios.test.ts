// whale-watch end to end over real sockets: the fake mempool WebSocket (its default BACKEND 'none',
// so every input arrives with prevout null), a fake electrs on the same Bitcoin Core (spent
// outputs, statuses, the mempool listing) and a webhook receiver. Each scenario asserts the rows
// and the signed alerts exactly. RBF, block conflicts, catch-up and prevouts have their own files.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReplacement, makeTx, runScenario, type ScenarioStep } from '../fakes/mempool/index.js';
import { ADDR, BTC } from '../whale/helpers.js';
import { readTable, startRun } from '../whale/jobHarness.js';
import {
  OUT_COLS,
  PRED_COLS,
  TIP,
  alertFor,
  alerts,
  byTxid,
  closeWorlds,
  rateOf,
  world,
  type Outcome,
} from '../whale/scenarioKit.js';

afterEach(closeWorlds);

// The whales of the main scenario, with real exchange addresses.
const inflow = makeTx({
  seed: 'inflow',
  inputs: [{ address: ADDR.user1, value: 150 * BTC + 2_500 }],
  outputs: [{ address: ADDR.binanceCold, value: 150 * BTC }],
}); // 2,500 sat / 109.5 vB: 22.8 sat/vB
const inflowBump = makeReplacement(inflow, { seed: 'inflow-bump' }); // same coins, three times the fee rate
const outflow = makeTx({
  seed: 'outflow',
  inputs: [{ address: ADDR.krakenCold, value: 200 * BTC + 1_700 }],
  outputs: [
    { address: ADDR.user1, value: 180 * BTC },
    { address: ADDR.krakenCold, value: 20 * BTC },
  ],
}); // 12.1 sat/vB
const internal = makeTx({
  seed: 'internal',
  inputs: [{ address: ADDR.krakenCold, value: 120 * BTC + 330 }],
  outputs: [{ address: ADDR.coinbase, value: 120 * BTC }],
  rbf: false,
}); // 3.0 sat/vB
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
/** `n` mempool updates of small transactions (each one message). */
const smallUpdates = (tag: string, n: number): ScenarioStep[] =>
  Array.from({ length: n }, (_, i) => ({
    do: 'add' as const,
    txs: [makeTx({ seed: `${tag}-${i}`, outputs: [{ address: ADDR.user2, value: BTC }] })],
  }));

describe('whale-watch scenarios', () => {
  it('detects, labels through electrs, follows an RBF replacement to confirmation, a drop, and alerts once each', async () => {
    const w = await world();
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [inflow, outflow, internal, exactly100, justBelow, small] },
      { do: 'replace', replaced: inflow.txid, by: inflowBump },
      { do: 'mine', txids: [inflowBump.txid, outflow.txid] }, // block 850001
      { do: 'remove', txids: [internal.txid] },
      // mempool can still report `internal`'s replacement in the next nine updates; then it is dropped.
      ...smallUpdates('after-remove', 9),
    ]);
    await run.drained();
    const { code, result } = await run.stop();
    expect(code).toBe(0);
    expect(result).toMatchObject({
      whales: 4,
      tracked: 1,
      flows_labelled: true,
      watcher: { confirmed: 2, replaced: 1, dropped: 1, replacementsFollowed: 1, gaps: 0, repeats: 0 },
      // Every whale's spent outputs came from electrs (its /tx/:txid, or the funding transactions
      // once the whale had left the mempool): none is missing.
      prevouts: { lookups: 5, missing: 0, errors: 0 },
    });

    const preds = await readTable(w, `SELECT ${PRED_COLS} FROM mempool_predictions ORDER BY txid`);
    const inflowRow = {
      txid: inflow.txid,
      total_sats: 15_000_000_000n,
      fee_rate: rateOf(inflow),
      flow: 'inflow',
      exchanges: 'Binance',
      prevouts_known: true,
      rbf: true,
      urgency: 0.75 + 0.25 * ((rateOf(inflow) - 20) / 10),
      tip_height: TIP,
      predicted_height: TIP + 1,
      predicted_window: 2,
      replaces_txid: null,
      root_txid: inflow.txid,
      alerted: true,
    };
    const bumpRow = {
      ...inflowRow,
      txid: inflowBump.txid,
      total_sats: BigInt(inflowBump.vout[0]!.value),
      fee_rate: rateOf(inflowBump),
      urgency: 1, // above the next block's median
      replaces_txid: inflow.txid,
      alerted: false,
    };
    const outflowRow = {
      txid: outflow.txid,
      total_sats: 20_000_000_000n,
      fee_rate: rateOf(outflow),
      flow: 'outflow', // 20 of 200 BTC back to Kraken: the value left the exchange
      exchanges: 'Kraken',
      prevouts_known: true,
      rbf: true,
      urgency: 0.75 * 0.75 + (0.75 / 4) * ((rateOf(outflow) - 10) / 10),
      tip_height: TIP,
      predicted_height: TIP + 2,
      predicted_window: 2,
      replaces_txid: null,
      root_txid: outflow.txid,
      alerted: true,
    };
    const internalRow = {
      ...outflowRow,
      txid: internal.txid,
      total_sats: 12_000_000_000n,
      fee_rate: rateOf(internal),
      flow: 'internal',
      exchanges: 'Coinbase,Kraken',
      rbf: false,
      urgency: 0.75 * 0.25 + (0.75 / 4) * ((rateOf(internal) - 2) / 3),
      predicted_height: TIP + 4,
      root_txid: internal.txid,
    };
    const exactlyRow = {
      ...outflowRow,
      txid: exactly100.txid,
      total_sats: 10_000_000_000n,
      fee_rate: rateOf(exactly100),
      flow: 'unknown',
      exchanges: '',
      urgency: (0.75 / 4) * (rateOf(exactly100) / 2),
      predicted_height: TIP + 5,
      root_txid: exactly100.txid,
    };
    expect(preds).toEqual(byTxid([inflowRow, bumpRow, outflowRow, internalRow, exactlyRow]));

    const outs = await readTable(w, `SELECT ${OUT_COLS} FROM prediction_outcomes ORDER BY txid`);
    expect(outs).toEqual(
      byTxid<Outcome>([
        {
          txid: inflow.txid,
          outcome: 'replaced',
          confirmed_height: TIP + 1,
          confirmed_txid: inflowBump.txid,
          blocks_vs_predicted: 0,
          within_window: true,
          replaced_by: inflowBump.txid,
          source: 'stream',
        },
        {
          txid: inflowBump.txid,
          outcome: 'confirmed',
          confirmed_height: TIP + 1,
          confirmed_txid: inflowBump.txid,
          blocks_vs_predicted: 0,
          within_window: true,
          replaced_by: null,
          source: 'stream',
        },
        {
          txid: outflow.txid,
          outcome: 'confirmed',
          confirmed_height: TIP + 1,
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
      ]),
    );

    // One signed alert per whale, with the row's figures; none for the replacement.
    expect(Object.fromEntries(alerts(w))).toEqual({
      [inflow.txid]: alertFor(inflowRow),
      [outflow.txid]: alertFor(outflowRow),
      [internal.txid]: alertFor(internalRow),
      [exactly100.txid]: alertFor(exactlyRow),
    });
    expect(
      await readTable(w, `SELECT count(*) AS n FROM alert_events WHERE event_type = 'whale_transaction' AND delivered`),
    ).toEqual([{ n: 4n }]);
    expect(
      await readTable(w, 'SELECT connected, whales, gaps, flows_labelled, caught_up FROM whale_heartbeat'),
    ).toEqual([{ connected: false, whales: 4, gaps: 0, flows_labelled: true, caught_up: 0n }]);
  });

  it('without an exchange list: flows unknown, and the heartbeat says flows are not labelled', async () => {
    const w = await world();
    delete (w.env as Record<string, string | undefined>).EXCHANGE_ADDRESSES_FILE;
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [inflow] },
      { do: 'add', txs: [outflow] },
    ]);
    await run.drained();
    const { result } = await run.stop();
    expect(result).toMatchObject({ whales: 2, flows_labelled: false });
    expect(await readTable(w, 'SELECT flow, exchanges FROM mempool_predictions')).toEqual([
      { flow: 'unknown', exchanges: '' },
      { flow: 'unknown', exchanges: '' },
    ]);
    expect(await readTable(w, 'SELECT flows_labelled FROM whale_heartbeat')).toEqual([{ flows_labelled: false }]);
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
    await run.drained();
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
    await run.drained();
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
    await run.drained();
    const { result } = await run.stop();
    expect(result).toMatchObject({ whales: 1, watcher: { invalid: 2 } });
    expect(await readTable(w, 'SELECT txid FROM mempool_predictions')).toEqual([{ txid: exactly100.txid }]);
  });
});
