// Replacements as the real backend reports them (the fake follows mempool.ts / websocket-handler.ts /
// common.ts / blocks.ts, see test/fakes/mempool/updates.ts):
//  - a whale `removed` in one update and its replacement `replaced: [{replaced, by}]` some updates
//    later (mempool matches new transactions against the last 10 updates' deletions);
//  - a removal is final only once that window has passed;
//  - a block mining a transaction that conflicts with a mempool whale: `replaced` with a confirmed `by`.
import { afterEach, describe, expect, it } from 'vitest';
import {
  makeReplacement,
  makeTx,
  outpointsOf,
  runScenario,
  spentOutputsOf,
  type ScenarioStep,
} from '../fakes/mempool/index.js';
import type { StreamEvent } from '../../src/sources/mempool/stream.js';
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

const updates = (tag: string, n: number): ScenarioStep[] =>
  Array.from({ length: n }, (_, i) => ({
    do: 'add' as const,
    txs: [makeTx({ seed: `${tag}-${i}`, outputs: [{ address: ADDR.user2, value: BTC }] })],
  }));
const deltas = (events: StreamEvent[]) =>
  events.filter((e): e is Extract<StreamEvent, { type: 'transactions' }> => e.type === 'transactions');

// 100.5 BTC to a user from a Binance cold wallet, 6.8 sat/vB: an outflow predicted 3 blocks out.
const whale = makeTx({
  seed: 'late-rbf-whale',
  inputs: [{ address: ADDR.binanceCold, value: 100.5 * BTC + 750 }],
  outputs: [{ address: ADDR.user1, value: 100.5 * BTC }],
});
// Its replacement pays 1.5 BTC of fee: 99 BTC, below the threshold, and still the same whale.
const replacement = makeReplacement(whale, {
  seed: 'late-rbf-bump',
  outputs: [{ address: ADDR.user1, value: 99 * BTC }],
});

describe('RBF reported late', () => {
  it('the replacement comes updates after the removal: replaced, followed below the threshold, one alert', async () => {
    const w = await world();
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [whale] },
      // Core replaced it, but mempool's fetch of the replacement failed (mempool.ts): only `removed`.
      { do: 'remove', txids: [whale.txid] },
      ...updates('between', 3),
      // The replacement arrives; mempool matches it against its recent deletions.
      { do: 'add', txs: [replacement] },
      { do: 'mine', txids: [replacement.txid] },
    ]);
    await run.drained();
    const { result } = await run.stop();
    // What the backend sent: the removal, three updates, then `replaced` without `removed`.
    const d = deltas(run.events);
    expect(d.map((x) => [x.removed, x.replaced.map((r) => [r.replaced, r.by])])).toEqual([
      [[], []],
      [[whale.txid], []],
      [[], []],
      [[], []],
      [[], []],
      [[], [[whale.txid, replacement.txid]]],
      [[], []],
    ]);
    expect(result).toMatchObject({
      whales: 1,
      watcher: { replaced: 1, replacementsFollowed: 1, dropped: 0, confirmed: 1 },
    });

    const whaleRow = {
      txid: whale.txid,
      total_sats: 10_050_000_000n,
      fee_rate: rateOf(whale),
      flow: 'outflow',
      exchanges: 'Binance',
      prevouts_known: true,
      rbf: true,
      urgency: 0.75 * 0.5 + (0.75 / 4) * ((rateOf(whale) - 5) / 5),
      tip_height: TIP,
      predicted_height: TIP + 3,
      predicted_window: 2,
      replaces_txid: null,
      root_txid: whale.txid,
      alerted: true,
    };
    expect(await readTable(w, `SELECT ${PRED_COLS} FROM mempool_predictions ORDER BY txid`)).toEqual(
      byTxid([
        whaleRow,
        {
          ...whaleRow,
          txid: replacement.txid,
          total_sats: 9_900_000_000n,
          fee_rate: rateOf(replacement),
          urgency: 1,
          predicted_height: TIP + 1,
          replaces_txid: whale.txid,
          alerted: false,
        },
      ]),
    );
    expect(await readTable(w, `SELECT ${OUT_COLS} FROM prediction_outcomes ORDER BY txid`)).toEqual(
      byTxid<Outcome>([
        {
          txid: whale.txid,
          outcome: 'replaced',
          confirmed_height: TIP + 1,
          confirmed_txid: replacement.txid,
          blocks_vs_predicted: -2,
          within_window: true,
          replaced_by: replacement.txid,
          source: 'stream',
        },
        {
          txid: replacement.txid,
          outcome: 'confirmed',
          confirmed_height: TIP + 1,
          confirmed_txid: replacement.txid,
          blocks_vs_predicted: 0,
          within_window: true,
          replaced_by: null,
          source: 'stream',
        },
      ]),
    );
    expect(Object.fromEntries(alerts(w))).toEqual({ [whale.txid]: alertFor(whaleRow) });
  });

  it('a removal is final only after the window: not dropped after eight later updates, dropped after nine', async () => {
    const w = await world();
    const run = await startRun(w);
    await runScenario(w.fake, [{ do: 'add', txs: [whale] }, { do: 'remove', txids: [whale.txid] }, ...updates('w', 8)]);
    await run.drained();
    expect(run.outcomes).toEqual([]);
    await runScenario(w.fake, updates('w9', 1));
    await run.drained();
    expect(run.outcomes.map((o) => [o.txid, o.outcome, o.source])).toEqual([[whale.txid, 'dropped', 'stream']]);
    // A block's delta is not a mempool update: it does not age the window.
    const other = makeTx({ seed: 'window-2', outputs: [{ address: ADDR.user2, value: 300 * BTC }], feeRate: 3 });
    await runScenario(w.fake, [
      { do: 'add', txs: [other] },
      { do: 'remove', txids: [other.txid] },
      ...updates('x', 8),
      { do: 'mine', txids: [] },
      { do: 'mine', txids: [] },
    ]);
    await run.drained();
    expect(run.outcomes).toHaveLength(1);
    await runScenario(w.fake, updates('x9', 1));
    await run.drained();
    const { result } = await run.stop();
    expect(result).toMatchObject({ whales: 2, tracked: 0, watcher: { dropped: 2, replaced: 0 } });
    expect(await readTable(w, `SELECT ${OUT_COLS} FROM prediction_outcomes ORDER BY txid`)).toEqual(
      byTxid<Outcome>(
        [whale, other].map((t) => ({
          txid: t.txid,
          outcome: 'dropped',
          confirmed_height: null,
          confirmed_txid: null,
          blocks_vs_predicted: null,
          within_window: false,
          replaced_by: null,
          source: 'stream',
        })),
      ),
    );
  });

  it('at the edge of the window: a replacement in the ninth later update is matched, one in the tenth is a new whale', async () => {
    const w = await world();
    const a = makeTx({ seed: 'edge-a', outputs: [{ address: ADDR.user1, value: 200 * BTC }], feeRate: 4 });
    const aBump = makeReplacement(a, { seed: 'edge-a-bump' });
    const b = makeTx({ seed: 'edge-b', outputs: [{ address: ADDR.user2, value: 250 * BTC }], feeRate: 4 });
    const bBump = makeReplacement(b, { seed: 'edge-b-bump' });
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [a, b] },
      { do: 'remove', txids: [a.txid, b.txid] },
      ...updates('edge', 8),
      { do: 'add', txs: [aBump] }, // ninth update after the removal: still in mempool's recentlyDeleted
      { do: 'add', txs: [bBump] }, // tenth: mempool no longer pairs it, nor do we
    ]);
    await run.drained();
    const { result } = await run.stop();
    expect(
      deltas(run.events)
        .at(-2)
        ?.replaced.map((r) => [r.replaced, r.by]),
    ).toEqual([[a.txid, aBump.txid]]);
    expect(deltas(run.events).at(-1)?.replaced).toEqual([]);
    expect(result).toMatchObject({ whales: 3, watcher: { replaced: 1, dropped: 1 } });
    expect(
      await readTable(w, `SELECT txid, replaces_txid, root_txid, alerted FROM mempool_predictions ORDER BY txid`),
    ).toEqual(
      byTxid([
        { txid: a.txid, replaces_txid: null, root_txid: a.txid, alerted: true },
        { txid: aBump.txid, replaces_txid: a.txid, root_txid: a.txid, alerted: false },
        { txid: b.txid, replaces_txid: null, root_txid: b.txid, alerted: true },
        { txid: bBump.txid, replaces_txid: null, root_txid: bBump.txid, alerted: true },
      ]),
    );
    expect(await readTable(w, `SELECT txid, outcome, replaced_by FROM prediction_outcomes ORDER BY txid`)).toEqual(
      byTxid([
        { txid: a.txid, outcome: 'replaced', replaced_by: aBump.txid },
        { txid: b.txid, outcome: 'dropped', replaced_by: null },
      ]),
    );
    expect([...alerts(w).keys()].sort()).toEqual([a.txid, b.txid, bBump.txid].sort());
  });
});

describe('one replacement for two whales', () => {
  it('a transaction spending the coins of two followed whales settles both with its confirmation', async () => {
    const w = await world();
    const a = makeTx({ seed: 'merge-a', outputs: [{ address: ADDR.user1, value: 150 * BTC }], feeRate: 4 });
    const b = makeTx({ seed: 'merge-b', outputs: [{ address: ADDR.user2, value: 250 * BTC }], feeRate: 4 });
    const both = makeTx({
      seed: 'merge-both',
      inputs: [...spentOutputsOf(a), ...spentOutputsOf(b)],
      spends: [...outpointsOf(a), ...outpointsOf(b)],
      outputs: [{ address: ADDR.user1, value: 400 * BTC - 30_000 }],
    });
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [a, b] },
      { do: 'remove', txids: [a.txid, b.txid] },
      { do: 'add', txs: [both] }, // mempool pairs it with both deletions
      { do: 'mine', txids: [both.txid] },
    ]);
    await run.drained();
    await run.stop();
    expect(
      deltas(run.events)
        .at(-2)
        ?.replaced.map((r) => [r.replaced, r.by]),
    ).toEqual([
      [a.txid, both.txid],
      [b.txid, both.txid],
    ]);
    expect(
      await readTable(
        w,
        `SELECT txid, outcome, confirmed_height, confirmed_txid, replaced_by FROM prediction_outcomes ORDER BY txid`,
      ),
    ).toEqual(
      byTxid([
        {
          txid: a.txid,
          outcome: 'replaced',
          confirmed_height: TIP + 1,
          confirmed_txid: both.txid,
          replaced_by: both.txid,
        },
        {
          txid: b.txid,
          outcome: 'replaced',
          confirmed_height: TIP + 1,
          confirmed_txid: both.txid,
          replaced_by: both.txid,
        },
        {
          txid: both.txid,
          outcome: 'confirmed',
          confirmed_height: TIP + 1,
          confirmed_txid: both.txid,
          replaced_by: null,
        },
      ]),
    );
    expect([...alerts(w).keys()].sort()).toEqual([a.txid, b.txid].sort());
  });
});

describe('block conflicts', () => {
  it('a block mines a transaction spending a whale’s coins: replaced by a confirmed tx, with its height', async () => {
    const w = await world();
    const conflicting = makeReplacement(whale, {
      seed: 'mined-conflict',
      outputs: [{ address: ADDR.user2, value: 100 * BTC }],
    });
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [whale] },
      // The block holds a double spend the mempool never saw (mined straight by a pool).
      { do: 'mine', txs: [conflicting] },
      // mempool kept the whale in its cache (blocks.ts): the next update deletes it as `removed`.
      ...updates('after-block', 1),
    ]);
    await run.drained();
    const { result } = await run.stop();
    const [added, block, next] = deltas(run.events);
    expect(added?.added.map((t) => t.txid)).toEqual([whale.txid]);
    expect(block?.replaced.map((r) => [r.replaced, r.by, r.byTx?.status])).toEqual([
      [
        whale.txid,
        conflicting.txid,
        {
          confirmed: true,
          block_height: TIP + 1,
          block_hash: expect.any(String) as string,
          block_time: expect.any(Number) as number,
        },
      ],
    ]);
    expect(next?.removed).toEqual([whale.txid]);
    expect(result).toMatchObject({ whales: 1, tracked: 0, watcher: { conflicts: 1, dropped: 0, replaced: 0 } });
    expect(await readTable(w, `SELECT txid, alerted FROM mempool_predictions`)).toEqual([
      { txid: whale.txid, alerted: true },
    ]);
    expect(await readTable(w, `SELECT ${OUT_COLS} FROM prediction_outcomes`)).toEqual([
      {
        txid: whale.txid,
        outcome: 'replaced',
        confirmed_height: TIP + 1,
        confirmed_txid: conflicting.txid,
        blocks_vs_predicted: -2, // predicted TIP + 3
        within_window: true,
        replaced_by: conflicting.txid,
        source: 'stream',
      },
    ]);
    expect([...alerts(w).keys()]).toEqual([whale.txid]);
  });

  it('a chain ended by a block conflict settles every link at the conflict’s height', async () => {
    const w = await world();
    const bump = makeReplacement(whale, { seed: 'chain-bump', feeRate: 12 });
    const mined = makeReplacement(bump, { seed: 'chain-mined', outputs: [{ address: ADDR.user2, value: 100 * BTC }] });
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [whale] },
      { do: 'replace', replaced: whale.txid, by: bump },
      { do: 'mine', txs: [mined] },
    ]);
    await run.drained();
    await run.stop();
    expect(await readTable(w, `SELECT ${OUT_COLS} FROM prediction_outcomes ORDER BY txid`)).toEqual(
      byTxid<Outcome>([
        {
          txid: whale.txid,
          outcome: 'replaced',
          confirmed_height: TIP + 1,
          confirmed_txid: mined.txid,
          blocks_vs_predicted: -2,
          within_window: true,
          replaced_by: bump.txid,
          source: 'stream',
        },
        {
          txid: bump.txid,
          outcome: 'replaced',
          confirmed_height: TIP + 1,
          confirmed_txid: mined.txid,
          blocks_vs_predicted: -1, // 12 sat/vB: predicted TIP + 2
          within_window: true,
          replaced_by: mined.txid,
          source: 'stream',
        },
      ]),
    );
    expect([...alerts(w).keys()]).toEqual([whale.txid]);
  });
});
