// Catching up: mempool sends no snapshot on `track-mempool` (websocket-handler.ts), only changes, so
// at start, after a dropped connection and after a restart whale-watch lists the mempool through
// electrs and fetches what it has not seen. Nothing may be missed and nothing alerted twice. Also:
// sequence numbers repeat while the backend is out of sync (no catch-up then), and a jump is a gap
// (catch-up).
import { afterEach, describe, expect, it } from 'vitest';
import { makeReplacement, makeTx, runScenario, type FakeTx } from '../fakes/mempool/index.js';
import { ADDR, BTC } from '../whale/helpers.js';
import { readTable, startRun } from '../whale/jobHarness.js';
import { OUT_COLS, TIP, alerts, byTxid, closeWorlds, world, type Outcome } from '../whale/scenarioKit.js';

afterEach(closeWorlds);

const whale = (tag: string, btc: number, feeRate: number, to: string = ADDR.user1): FakeTx =>
  makeTx({ seed: `cu-${tag}`, outputs: [{ address: to, value: btc * BTC }], feeRate });
const smalls = (tag: string, n: number): FakeTx[] =>
  Array.from({ length: n }, (_, i) =>
    makeTx({ seed: `cu-small-${tag}-${i}`, outputs: [{ address: ADDR.user2, value: (i + 1) * 100_000 }] }),
  );
const PRED = 'txid, tip_height, predicted_height, replaces_txid, root_txid, alerted, flow, prevouts_known';
const outcome = (o: Outcome) => o;

describe('catch-up with the mempool', () => {
  it('at start: whales already in the mempool are found, labelled, predicted and alerted once; the count is reported', async () => {
    const w = await world();
    const w1 = whale('start-1', 150, 25, ADDR.binanceCold); // an inflow
    const w2 = whale('start-2', 400, 12);
    // Before whale-watch starts: 300 transactions that no delta will ever announce again.
    w.fake.addTxs([...smalls('start', 298), w1, w2]);
    const run = await startRun(w);
    const { result } = await run.stop();
    expect(result).toMatchObject({
      whales: 2,
      catch_up: { passes: 1, complete: 1, listed: 300, fetched: 300, whales: 2 },
      watcher: { duplicates: 0 },
    });
    expect(await readTable(w, `SELECT ${PRED} FROM mempool_predictions ORDER BY txid`)).toEqual(
      byTxid([
        {
          txid: w1.txid,
          tip_height: TIP,
          predicted_height: TIP + 1,
          replaces_txid: null,
          root_txid: w1.txid,
          alerted: true,
          flow: 'inflow',
          prevouts_known: true,
        },
        {
          txid: w2.txid,
          tip_height: TIP,
          predicted_height: TIP + 2,
          replaces_txid: null,
          root_txid: w2.txid,
          alerted: true,
          flow: 'unknown',
          prevouts_known: true,
        },
      ]),
    );
    expect([...alerts(w).keys()].sort()).toEqual([w1.txid, w2.txid].sort());
    expect(await readTable(w, 'SELECT caught_up FROM whale_heartbeat')).toEqual([{ caught_up: 300n }]);
    // The listing was read once, and each transaction fetched once.
    expect(w.electrs.requests.get('/mempool/txids')).toBe(1);
    expect(w.electrs.requests.get(`/tx/${w1.txid}`)).toBe(1);
  });

  it('a dropped connection in the middle of a burst: what happened while away is caught up, nothing missed', async () => {
    const w = await world();
    const w1 = whale('away-mined', 150, 25);
    const w2 = whale('away-replaced', 200, 12);
    const r2 = makeReplacement(w2, { seed: 'cu-away-replacement' });
    const w3 = whale('away-evicted', 300, 3);
    const w4 = whale('away-new', 250, 25);
    const w5 = whale('after', 120, 25);
    const run = await startRun(w);
    await runScenario(w.fake, [{ do: 'add', txs: [...smalls('burst-1', 20), w1, w2, w3, ...smalls('burst-2', 20)] }]);
    await run.drained();
    await runScenario(w.fake, [
      { do: 'cut', mode: 'terminate' },
      // While nobody listens (the client waits out its backoff before reconnecting):
      { do: 'mine', txids: [w1.txid] }, // TIP + 1
      { do: 'replace', replaced: w2.txid, by: r2 },
      { do: 'remove', txids: [w3.txid] },
      { do: 'add', txs: [w4, ...smalls('burst-3', 20)] },
    ]);
    await run.subscribed(2);
    await run.passesDone(2);
    await runScenario(w.fake, [
      { do: 'add', txs: [w5] },
      { do: 'mine', txids: [r2.txid, w4.txid] }, // TIP + 2
    ]);
    await run.drained();
    const { result } = await run.stop();
    expect(result).toMatchObject({
      whales: 5,
      reconnects: 1,
      tracked: 1,
      catch_up: {
        passes: 2,
        complete: 2,
        fetched: 22, // r2, w4 and the 20 small ones added while away: the rest had been seen
        whales: 1,
        confirmedAway: 1,
        replacedAway: 1,
        droppedAway: 1,
      },
      watcher: { gaps: 0 },
    });
    expect(await readTable(w, `SELECT ${PRED} FROM mempool_predictions ORDER BY txid`)).toEqual(
      byTxid([
        { txid: w1.txid, tip_height: TIP, predicted_height: TIP + 1, replaces_txid: null, root_txid: w1.txid },
        { txid: w2.txid, tip_height: TIP, predicted_height: TIP + 2, replaces_txid: null, root_txid: w2.txid },
        { txid: r2.txid, tip_height: TIP + 1, predicted_height: TIP + 2, replaces_txid: w2.txid, root_txid: w2.txid },
        { txid: w3.txid, tip_height: TIP, predicted_height: TIP + 4, replaces_txid: null, root_txid: w3.txid },
        { txid: w4.txid, tip_height: TIP + 1, predicted_height: TIP + 2, replaces_txid: null, root_txid: w4.txid },
        { txid: w5.txid, tip_height: TIP + 1, predicted_height: TIP + 2, replaces_txid: null, root_txid: w5.txid },
      ]).map((r) => ({ ...r, alerted: r.txid !== r2.txid, flow: 'unknown', prevouts_known: true })),
    );
    expect(await readTable(w, `SELECT ${OUT_COLS} FROM prediction_outcomes ORDER BY txid`)).toEqual(
      byTxid([
        outcome({
          txid: w1.txid,
          outcome: 'confirmed',
          confirmed_height: TIP + 1,
          confirmed_txid: w1.txid,
          blocks_vs_predicted: 0,
          within_window: true,
          replaced_by: null,
          source: 'electrs',
        }),
        outcome({
          txid: w2.txid,
          outcome: 'replaced',
          confirmed_height: TIP + 2,
          confirmed_txid: r2.txid,
          blocks_vs_predicted: 0,
          within_window: true,
          replaced_by: r2.txid,
          source: 'stream',
        }),
        outcome({
          txid: r2.txid,
          outcome: 'confirmed',
          confirmed_height: TIP + 2,
          confirmed_txid: r2.txid,
          blocks_vs_predicted: 0,
          within_window: true,
          replaced_by: null,
          source: 'stream',
        }),
        outcome({
          txid: w3.txid,
          outcome: 'dropped',
          confirmed_height: null,
          confirmed_txid: null,
          blocks_vs_predicted: null,
          within_window: false,
          replaced_by: null,
          source: 'electrs',
        }),
        outcome({
          txid: w4.txid,
          outcome: 'confirmed',
          confirmed_height: TIP + 2,
          confirmed_txid: w4.txid,
          blocks_vs_predicted: 0,
          within_window: true,
          replaced_by: null,
          source: 'stream',
        }),
      ]),
    );
    expect([...alerts(w).keys()].sort()).toEqual([w1, w2, w3, w4, w5].map((t) => t.txid).sort());
  });

  it('a restart in the middle of a burst: the new run follows what is pending, catches up, alerts nothing twice', async () => {
    const w = await world();
    const w1 = whale('restart-mined', 150, 25);
    const w2 = whale('restart-pending', 200, 25);
    const w3 = whale('restart-still', 300, 3);
    const w4 = whale('restart-new', 250, 25);
    const w5 = whale('restart-held', 180, 25);
    const run1 = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [...smalls('r1', 10), w1, w2] },
      { do: 'add', txs: [w3, w5, ...smalls('r2', 10)] },
      // Removed just before the stop: held for the RBF window, not yet settled.
      { do: 'remove', txids: [w5.txid] },
    ]);
    await run1.drained();
    const first = await run1.stop();
    expect(first.result).toMatchObject({ whales: 4, tracked: 4 });
    // While whale-watch is down the burst goes on.
    await runScenario(w.fake, [
      { do: 'mine', txids: [w1.txid] }, // TIP + 1
      { do: 'add', txs: [...smalls('r3', 10), w4] },
    ]);
    const run2 = await startRun(w);
    await runScenario(w.fake, [{ do: 'mine', txids: [w2.txid] }]); // TIP + 2
    await run2.drained();
    const second = await run2.stop();
    expect(second.result).toMatchObject({
      whales: 1,
      // A new process has seen nothing: all 31 untracked mempool transactions are fetched.
      catch_up: { passes: 1, fetched: 31, whales: 1, confirmedAway: 1, droppedAway: 1 },
      watcher: { confirmed: 1 },
      store: { predictionsWritten: 1, alreadyKnown: 0 },
    });
    expect(await readTable(w, `SELECT txid, alerted FROM mempool_predictions ORDER BY txid`)).toEqual(
      byTxid([w1, w2, w3, w4, w5].map((t) => ({ txid: t.txid, alerted: true }))),
    );
    expect(
      await readTable(w, `SELECT txid, outcome, confirmed_height, source FROM prediction_outcomes ORDER BY txid`),
    ).toEqual(
      byTxid([
        { txid: w1.txid, outcome: 'confirmed', confirmed_height: TIP + 1, source: 'electrs' },
        { txid: w2.txid, outcome: 'confirmed', confirmed_height: TIP + 2, source: 'stream' },
        { txid: w5.txid, outcome: 'dropped', confirmed_height: null, source: 'electrs' },
      ]),
    );
    // w3 is still waiting; five whales, five alerts, across two runs.
    expect(w.hook.posts).toHaveLength(5);
    expect([...alerts(w).keys()].sort()).toEqual([w1, w2, w3, w4, w5].map((t) => t.txid).sort());
  });

  it('a repeated sequence (backend out of sync) is no gap and no catch-up; every delta is still read', async () => {
    const w = await world();
    const [w1, w2, w3] = [whale('seq-1', 150, 25), whale('seq-2', 160, 25), whale('seq-3', 170, 25)];
    const run = await startRun(w);
    await runScenario(w.fake, [
      { do: 'add', txs: [...smalls('seq', 3)] },
      { do: 'in-sync', on: false },
      { do: 'add', txs: [w1] },
      { do: 'add', txs: [w2] },
      { do: 'in-sync', on: true },
      { do: 'add', txs: [w3] },
    ]);
    await run.drained();
    const { result } = await run.stop();
    const seqs = run.events.flatMap((e) => (e.type === 'transactions' ? [e.sequence] : []));
    expect(seqs.slice(-4)).toEqual([seqs.at(-4), seqs.at(-4), seqs.at(-4), seqs.at(-4)! + 1]);
    expect(result).toMatchObject({ whales: 3, watcher: { gaps: 0, repeats: 2 }, catch_up: { passes: 1 } });
    expect(w.electrs.requests.get('/mempool/txids')).toBe(1);
  });

  it('a jump in the sequence is a gap: the deltas missed are caught up through electrs', async () => {
    const w = await world();
    const missed = whale('gap-missed', 500, 25, ADDR.binanceCold);
    const run = await startRun(w);
    await runScenario(w.fake, [{ do: 'add', txs: smalls('gap', 2) }]);
    // A delta that never reached us: the transaction is in the mempool, its sequence number is gone.
    w.fake.state.mempool.set(missed.txid, missed);
    w.fake.state.noteFunding(missed);
    await runScenario(w.fake, [
      { do: 'gap', count: 1 },
      { do: 'add', txs: smalls('gap-after', 1) },
    ]);
    await run.drained();
    await run.passesDone(2);
    const { result } = await run.stop();
    expect(result).toMatchObject({ whales: 1, watcher: { gaps: 1 }, catch_up: { passes: 2, whales: 1, fetched: 1 } });
    expect(await readTable(w, `SELECT txid, flow, alerted FROM mempool_predictions`)).toEqual([
      { txid: missed.txid, flow: 'inflow', alerted: true },
    ]);
  });

  it('electrs down at start: the catch-up fails and is retried later; the stream is watched meanwhile', async () => {
    // No other lookup to list the mempool with: no Core in this world, and no mempool REST to ask.
    const w = await world({ MEMPOOL_API_URL: 'none' });
    w.electrs.setDown(true);
    const live = whale('down-live', 150, 25);
    const run = await startRun(w);
    await runScenario(w.fake, [{ do: 'add', txs: [live] }]);
    await run.drained();
    const { code, result } = await run.stop();
    expect(code).toBe(0);
    expect(result).toMatchObject({
      whales: 1,
      catch_up: { passes: 1, complete: 0, failed: 1 },
      prevouts: { lookups: 1, missing: 1 },
    });
    // electrs failed (the listing, then the whale's lookups skip it): said once, and reported.
    const electrs = (result.lookups as { name: string; up: boolean; failures: number; lastError: string }[]).find(
      (l) => l.name === 'electrs',
    );
    expect(electrs).toMatchObject({ up: false, lastError: expect.stringMatching(/HTTP 503/) });
    expect(electrs!.failures).toBeGreaterThanOrEqual(1);
    expect(await readTable(w, `SELECT txid, flow, prevouts_known, alerted FROM mempool_predictions`)).toEqual([
      { txid: live.txid, flow: 'unknown', prevouts_known: false, alerted: true },
    ]);
  });
});
