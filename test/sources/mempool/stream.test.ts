// MempoolStream against the fake mempool backend over a real socket: subscriptions, typed events,
// gaps, reconnects, ping/pong and close().
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../../helpers/paths.js';
import {
  type MempoolStream,
  type MempoolStreamOptions,
  type StreamEvent,
  createMempoolStream,
} from '../../../src/sources/mempool/stream.js';
import {
  type FakeMempool,
  makeCoinbase,
  makeReplacement,
  makeTx,
  runScenario,
  startFakeMempool,
} from '../../fakes/mempool/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  opts: Partial<MempoolStreamOptions> = {},
  tipHeight = 850_000,
): Promise<{ fake: FakeMempool; stream: MempoolStream; events: StreamEvent[] }> {
  const fake = await startFakeMempool({ tipHeight });
  cleanups.push(() => fake.close());
  const events: StreamEvent[] = [];
  const stream = createMempoolStream({ url: fake.wsUrl, backoff: { baseMs: 20, maxMs: 100, rng: () => 0 }, ...opts });
  stream.on('*', (e) => {
    events.push(e);
  });
  cleanups.push(() => stream.close());
  await fake.waitForClients(1);
  return { fake, stream, events };
}

/** Waits until the collected events satisfy `pred` (bounded; no timing asserted). */
async function until(
  events: StreamEvent[],
  pred: (e: StreamEvent[]) => boolean,
  what: string,
  ms = 5000,
): Promise<void> {
  const start = Date.now();
  while (!pred(events)) {
    if (Date.now() - start > ms)
      throw new Error(`timed out waiting for ${what}; got ${events.map((e) => e.type).join(',')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const whale = (seed: string, btc: number) =>
  makeTx({ seed, outputs: [{ address: `bc1qwhale${seed}`, value: btc * 1e8 }], feeRate: 12 });

describe('MempoolStream', () => {
  it('subscribes exactly as whale-watch requires', async () => {
    const { fake } = await setup();
    await fake.waitFor(() => fake.received.length >= 2);
    expect(fake.received.map((r) => r.message)).toEqual([
      { action: 'want', data: ['blocks', 'mempool-blocks'] },
      { 'track-mempool': true },
    ]);
  });

  it('turns a scripted mempool into typed events in order', async () => {
    const { fake, events } = await setup();
    await until(
      events,
      (e) => e.some((x) => x.type === 'blocks') && e.some((x) => x.type === 'mempool-blocks'),
      'initial blocks',
    );
    const a = whale('a', 150);
    const b = whale('b', 200);
    const b2 = makeReplacement(b, { seed: 'b2', feeRate: 30 });
    await runScenario(fake, [
      { do: 'add', txs: [a, b] },
      { do: 'replace', replaced: b.txid, by: b2 },
      { do: 'remove', txids: [a.txid] },
      { do: 'mine', txids: [b2.txid] },
    ]);
    await until(events, (e) => e.filter((x) => x.type === 'transactions').length >= 4, '4 deltas');
    const kinds = events.filter((e) => e.type !== 'connected').map((e) => e.type);
    expect(kinds).toEqual([
      'blocks',
      'mempool-blocks',
      'mempool-blocks',
      'transactions',
      'mempool-blocks',
      'transactions',
      'mempool-blocks',
      'transactions',
      'block',
      'mempool-blocks',
      'transactions',
    ]);
    const deltas = events.filter((e): e is Extract<StreamEvent, { type: 'transactions' }> => e.type === 'transactions');
    expect(deltas.map((d) => d.sequence)).toEqual([1, 2, 3, 4]);
    expect(deltas[0]?.added.map((t) => [t.txid, t.vout[0]?.value])).toEqual([
      [a.txid, 150e8],
      [b.txid, 200e8],
    ]);
    expect(deltas[1]?.replaced).toEqual([
      { replaced: b.txid, by: b2.txid, byTx: expect.objectContaining({ txid: b2.txid, fee: b2.fee }) },
    ]);
    expect(deltas[2]?.removed).toEqual([a.txid]);
    expect(deltas[3]?.mined).toEqual([makeCoinbase(850_001).txid, b2.txid]);
    const block = events.find((e) => e.type === 'block');
    expect(block).toMatchObject({ type: 'block', block: { height: 850_001 } });
    expect(events.some((e) => e.type === 'gap' || e.type === 'invalid')).toBe(false);
  });

  it('reports a sequence gap with expected and got', async () => {
    const { fake, events } = await setup();
    await runScenario(fake, [
      { do: 'add', txs: [whale('g1', 1)] },
      { do: 'gap', count: 3 },
      { do: 'add', txs: [whale('g2', 1)] },
    ]);
    await until(events, (e) => e.filter((x) => x.type === 'transactions').length >= 2, 'two deltas');
    expect(events.find((e) => e.type === 'gap')).toEqual({ type: 'gap', expected: 2, got: 5 });
  });

  it('a repeated sequence (backend out of sync) is a repeat, not a gap; a new connection starts afresh', async () => {
    const { fake, events } = await setup();
    await runScenario(fake, [
      { do: 'add', txs: [whale('r1', 1)] }, // 1
      { do: 'in-sync', on: false },
      { do: 'add', txs: [whale('r2', 1)] }, // 1 again
      { do: 'add', txs: [whale('r3', 1)] }, // 1 again
      { do: 'in-sync', on: true },
      { do: 'add', txs: [whale('r4', 1)] }, // 2
    ]);
    await until(events, (e) => e.filter((x) => x.type === 'transactions').length >= 4, 'four deltas');
    const seqs = events.flatMap((e) => (e.type === 'transactions' ? [e.sequence] : []));
    expect(seqs).toEqual([1, 1, 1, 2]);
    expect(events.filter((e) => e.type === 'repeat')).toEqual([
      { type: 'repeat', sequence: 1 },
      { type: 'repeat', sequence: 1 },
    ]);
    expect(events.some((e) => e.type === 'gap')).toBe(false);
    // Deltas sent while no client listens are not this connection's gap: the consumer catches up.
    fake.cutConnections('terminate');
    await until(events, (e) => e.filter((x) => x.type === 'connected').length >= 2, 'reconnect');
    await fake.waitForClients(1, 5000, true);
    fake.skipSequence(5);
    await runScenario(fake, [{ do: 'add', txs: [whale('r5', 1)] }]);
    await until(events, (e) => e.filter((x) => x.type === 'transactions').length >= 5, 'fifth delta');
    expect(events.some((e) => e.type === 'gap')).toBe(false);
  });

  it('reconnects after the server cuts the connection and subscribes again', async () => {
    const { fake, events, stream } = await setup();
    fake.cutConnections('terminate');
    await until(events, (e) => e.filter((x) => x.type === 'connected').length >= 2, 'second connect');
    await fake.waitForClients(1);
    await fake.waitFor(() => fake.received.length >= 4);
    expect(fake.received.filter((r) => r.client === 1).map((r) => r.message)).toEqual([
      { action: 'want', data: ['blocks', 'mempool-blocks'] },
      { 'track-mempool': true },
    ]);
    const disc = events.find((e) => e.type === 'disconnected');
    expect(disc).toMatchObject({ type: 'disconnected', retryInMs: 20 });
    expect(stream.stats.connects).toBe(2);
  });

  it('pings when idle and takes the pong as life', async () => {
    const { fake, events } = await setup({ pingIntervalMs: 30, pongTimeoutMs: 2000 });
    await until(events, (e) => e.some((x) => x.type === 'pong'), 'pong');
    expect(fake.received.some((r) => JSON.stringify(r.message) === '{"action":"ping"}')).toBe(true);
    expect(events.some((e) => e.type === 'disconnected')).toBe(false);
  });

  it('declares a silent connection dead and reconnects', async () => {
    const { fake, events } = await setup({ pingIntervalMs: 30, pongTimeoutMs: 60 });
    fake.setWsSilent(true);
    await until(events, (e) => e.some((x) => x.type === 'disconnected'), 'disconnect');
    expect(events.find((e) => e.type === 'disconnected')).toMatchObject({
      reason: 'no message within 60 ms of a ping',
    });
  });

  it('replays captured mempool.space messages through the socket (heights adjusted)', async () => {
    const { fake, events } = await setup({}, 890_447);
    const captured = JSON.parse(readFileSync(fixturePath('mempool', 'details_rbf_tx02_ws_block.json'), 'utf8')) as {
      block: Record<string, unknown>;
    };
    fake.mineBlock({ block: captured.block, height: 890_448, txids: [] });
    fake.sendRaw(readFileSync(fixturePath('mempool', 'details_rbf_tx02_ws_tx_position.json'), 'utf8'));
    await until(events, (e) => e.some((x) => x.type === 'block'), 'block');
    expect(events.find((e) => e.type === 'block')).toMatchObject({
      block: { id: captured.block.id, height: 890_448, tx_count: 2229 },
    });
    expect(events.some((e) => e.type === 'invalid')).toBe(false);
  });
});
