// whale-watch on the stacks operators actually run, each against fakes of that flavour over real
// sockets: romanz/electrs or Fulcrum speaking only the Electrum protocol (mempool on its `electrum`
// backend), Bitcoin Core alone, mempool's own Esplora-shaped routes, and a stale ELECTRS_API_URL
// beside a working Core. In every one a whale found by the catch-up, a whale from the stream (its
// prevouts null, as mempool sends them off Esplora) and a whale spending a parent still in the
// mempool get their flows labelled and their fee rates, through whatever the operator has.
import { afterEach, describe, expect, it } from 'vitest';
import { makeReplacement, makeTx, runScenario, type FakeTx } from '../fakes/mempool/index.js';
import { ADDR, BTC } from '../whale/helpers.js';
import { readTable, startRun, startWorld, type World, type WorldOptions } from '../whale/jobHarness.js';
import { rateOf } from '../whale/scenarioKit.js';

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

/** Three whales: one already in the mempool at start, one from the stream, one spending a mempool parent. */
function whales(tag: string) {
  const waiting = makeTx({
    seed: `${tag}-waiting`,
    inputs: [{ address: ADDR.user1, value: 300 * BTC + 4_000 }],
    outputs: [{ address: ADDR.binanceCold, value: 300 * BTC }],
  });
  const live = makeTx({
    seed: `${tag}-live`,
    inputs: [{ address: ADDR.krakenP2wsh, value: 220 * BTC + 2_500 }],
    outputs: [{ address: ADDR.user2, value: 220 * BTC }],
    feeRate: 12,
  });
  const parent = makeTx({
    seed: `${tag}-parent`,
    inputs: [{ address: ADDR.user1, value: 150 * BTC + 3_000 }],
    outputs: [{ address: ADDR.krakenP2wsh, value: 150 * BTC }],
  });
  const child = makeTx({
    seed: `${tag}-child`,
    inputs: [{ address: ADDR.krakenP2wsh, value: 150 * BTC }],
    spends: [{ txid: parent.txid, vout: 0 }],
    outputs: [{ address: ADDR.user2, value: 150 * BTC - 3_000 }],
  });
  return { waiting, live, parent, child };
}

async function runStack(o: WorldOptions, tag: string, env: Record<string, string> = {}) {
  const w = await startWorld(env, 850_000, o);
  worlds.push(w);
  const { waiting, live, parent, child } = whales(tag);
  // In the mempool before whale-watch starts: only a catch-up can find it.
  w.fake.state.mempool.set(waiting.txid, waiting);
  w.fake.state.noteFunding(waiting);
  const run = await startRun(w);
  await runScenario(w.fake, [
    { do: 'add', txs: [live] },
    { do: 'add', txs: [parent, child] },
  ]);
  await run.drained();
  const { code, result } = await run.stop();
  const rows = (await readTable(
    w,
    'SELECT txid, flow, exchanges, prevouts_known, fee_rate FROM mempool_predictions ORDER BY txid',
  )) as { txid: string; flow: string; exchanges: string; prevouts_known: boolean; fee_rate: number | null }[];
  return { w, code, result, rows, waiting, live, parent, child };
}

function expectLabelled(r: Awaited<ReturnType<typeof runStack>>) {
  const row = (t: FakeTx) => r.rows.find((x) => x.txid === t.txid);
  expect(r.code).toBe(0);
  expect(row(r.waiting)).toMatchObject({ flow: 'inflow', exchanges: 'Binance', prevouts_known: true });
  expect(row(r.live)).toMatchObject({ flow: 'outflow', exchanges: 'Kraken', prevouts_known: true });
  expect(row(r.parent)).toMatchObject({ flow: 'inflow', exchanges: 'Kraken', prevouts_known: true });
  expect(row(r.child)).toMatchObject({ flow: 'outflow', exchanges: 'Kraken', prevouts_known: true });
  // The fee rate of the one found by catching up: from the stream's fee, or worked out from its prevouts.
  expect(row(r.waiting)!.fee_rate).toBeCloseTo(rateOf(r.waiting), 9);
  // The stream really sent no prevouts (mempool off Esplora).
  expect(r.w.fake.state.backend).not.toBe('esplora');
}

const lookupsOf = (result: Record<string, unknown>) =>
  Object.fromEntries((result.lookups as { name: string; up: boolean }[]).map((l) => [l.name, l.up])) as Record<
    string,
    boolean
  >;

describe('whale-watch on each stack', () => {
  it.each(['electrs', 'fulcrum'] as const)(
    'an Electrum server (%s) and Core, mempool on its electrum backend: labels through Electrum, lists through Core',
    async (flavour) => {
      const r = await runStack(
        { backend: 'electrum', esplora: false, electrum: { flavour }, core: {} },
        `el-${flavour}`,
      );
      expectLabelled(r);
      expect(r.result).toMatchObject({ catch_up: { listedBy: 'core', whales: 1 } });
      expect(lookupsOf(r.result)).toEqual({ electrum: true, core: true, mempool: true });
      // The spent outputs came from the Electrum server: the funding transactions were asked there.
      expect(r.w.electrum!.requests.get('blockchain.transaction.get')).toBeGreaterThanOrEqual(3);
      expect(r.w.electrum!.versions[0]).toEqual(['utxoracle-ops', '1.4']);
    },
  );

  it('Bitcoin Core alone, no txindex: the listing, raw transactions in batches, gettxout for the spent coins', async () => {
    // No exchange price either (MEMPOOL_API_URL=none): nothing but Core and mempool's WebSocket.
    const r = await runStack({ backend: 'none', esplora: false, core: { txindex: false } }, 'core', {
      MEMPOOL_API_URL: 'none',
    });
    expectLabelled(r);
    expect(r.result).toMatchObject({ catch_up: { listedBy: 'core', whales: 1, fetched: 1 } });
    const asked = (m: string) => r.w.core!.requests.filter((q) => q.name === m).length;
    expect(asked('getrawmempool')).toBeGreaterThanOrEqual(1);
    expect(lookupsOf(r.result)).toEqual({ core: true });
    // One gettxout per whale input; the child's parent is in the mempool, not the UTXO set: its raw
    // bytes gave the output (a second getrawtransaction, after the catch-up's batch).
    expect(asked('gettxout')).toBe(4);
    expect(asked('getrawtransaction')).toBe(2);
  });

  it('Core alone, back after a dropped connection: a small replacement of a whale found among small transactions, a new whale among them', async () => {
    // Core's batches are glanced at (src/sources/rawTxGlance.ts): only a whale, or a spender of a
    // gone whale's coins, becomes an object. The replacement here is below the threshold: found only
    // because it spends the whale's coin.
    const w = await startWorld({ MEMPOOL_API_URL: 'none' }, 850_000, {
      backend: 'none',
      esplora: false,
      core: { txindex: true },
    });
    worlds.push(w);
    const gone = makeTx({ seed: 'core-away-whale', outputs: [{ address: ADDR.user1, value: 200 * BTC }] });
    const small = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) =>
        makeTx({ seed: `core-away-${tag}-${i}`, outputs: [{ address: ADDR.user2, value: (i + 1) * 100_000 }] }),
      );
    const replacement = makeReplacement(gone, {
      seed: 'core-away-replacement',
      outputs: [{ address: ADDR.user2, value: 2 * BTC }],
    });
    const fresh = makeTx({ seed: 'core-away-new', outputs: [{ address: ADDR.binanceCold, value: 120 * BTC }] });
    const run = await startRun(w);
    await runScenario(w.fake, [{ do: 'add', txs: [...small('before', 10), gone] }]);
    await run.drained();
    await runScenario(w.fake, [
      { do: 'cut', mode: 'terminate' },
      { do: 'replace', replaced: gone.txid, by: replacement },
      { do: 'add', txs: [...small('away', 30), fresh] },
    ]);
    await run.subscribed(2);
    await run.passesDone(2);
    const { code, result } = await run.stop();
    expect(code).toBe(0);
    expect(result).toMatchObject({
      catch_up: { listedBy: 'core', complete: 2, fetched: 32, whales: 1, replacedAway: 1, droppedAway: 0 },
    });
    expect(
      await readTable(w, 'SELECT txid, replaces_txid, root_txid, alerted FROM mempool_predictions ORDER BY txid'),
    ).toEqual(
      [
        { txid: gone.txid, replaces_txid: null, root_txid: gone.txid, alerted: true },
        { txid: replacement.txid, replaces_txid: gone.txid, root_txid: gone.txid, alerted: false },
        { txid: fresh.txid, replaces_txid: null, root_txid: fresh.txid, alerted: true },
      ].sort((a, b) => a.txid.localeCompare(b.txid)),
    );
    expect(
      await readTable(w, `SELECT outcome, replaced_by FROM prediction_outcomes WHERE txid = '${gone.txid}'`),
    ).toEqual([{ outcome: 'replaced', replaced_by: replacement.txid }]);
  });

  it("mempool's own routes where they answer (its Core has txindex), with no index server and no Core of ours", async () => {
    // The world's Core (with txindex) is the one behind mempool; whale-watch is given a refused port instead.
    const r = await runStack({ backend: 'none', esplora: false, core: { txindex: true } }, 'own', {
      BITCOIN_RPC_URL: 'http://127.0.0.1:9',
    });
    expectLabelled(r);
    expect(r.result).toMatchObject({ catch_up: { listedBy: 'mempool', whales: 1 } });
    expect(lookupsOf(r.result)).toMatchObject({ core: false, mempool: true });
    expect(r.w.fake.requests.get('/api/v1/mempool/txids')).toBeGreaterThanOrEqual(1);
  });

  it('a stale ELECTRS_API_URL beside a working Core: skipped with one warning, nothing goes unlabelled', async () => {
    const r = await runStack({ backend: 'none', core: {} }, 'stale', { ELECTRS_API_URL: 'http://127.0.0.1:9/electrs' });
    expectLabelled(r);
    expect(r.result).toMatchObject({ catch_up: { listedBy: 'core' } });
    expect(lookupsOf(r.result)).toMatchObject({ electrs: false, core: true });
  });
});
