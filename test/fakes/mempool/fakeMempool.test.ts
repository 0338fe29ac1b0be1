// The fake mempool itself, spoken to with a plain ws client: its messages must have the shapes of
// the captured mempool.space ones, and its protocol must follow the backend's websocket-handler.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fixturePath } from '../../helpers/paths.js';
import {
  type FakeMempool,
  RECENTLY_DELETED_UPDATES,
  makeCoinbase,
  makeReplacement,
  makeTx,
  prepareBatches,
  pushThroughput,
  startFakeMempool,
} from './index.js';

const capture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(fixturePath('mempool', name), 'utf8')) as Record<string, unknown>;
const keysOf = (o: unknown): string[] => Object.keys(o as object).sort();

/** A raw client that records every message. */
async function client(
  fake: FakeMempool,
): Promise<{ ws: WebSocket; got: Array<Record<string, unknown>>; next: (n: number) => Promise<void> }> {
  const ws = new WebSocket(fake.wsUrl);
  const got: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => got.push(JSON.parse((d as Buffer).toString()) as Record<string, unknown>));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const next = async (n: number): Promise<void> => {
    const start = Date.now();
    while (got.length < n) {
      if (Date.now() - start > 5000) throw new Error(`expected ${n} messages, got ${got.length}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { ws, got, next };
}

let fake: FakeMempool;
beforeAll(async () => {
  fake = await startFakeMempool({ tipHeight: 890_447, usd: 84_000 });
});
afterAll(() => fake.close());

describe('fake mempool WebSocket', () => {
  it('init reply has the keys of the captured mempool.space init (less da/lightning extras)', async () => {
    const c = await client(fake);
    c.ws.send(JSON.stringify({ action: 'init' }));
    await c.next(1);
    const real = keysOf(capture('mainnet_mempoolInfo.json')).filter((k) => k !== 'da');
    expect(keysOf(c.got[0])).toEqual(real);
    c.ws.close();
  });

  it('want sends blocks and mempool-blocks once, ping gets pong; block field sets match the captures', async () => {
    const c = await client(fake);
    c.ws.send(JSON.stringify({ action: 'want', data: ['blocks', 'mempool-blocks'] }));
    await c.next(1);
    c.ws.send(JSON.stringify({ action: 'want', data: ['blocks', 'mempool-blocks'] })); // already wanted: nothing new
    c.ws.send(JSON.stringify({ action: 'ping' }));
    await c.next(2);
    expect(keysOf(c.got[0])).toEqual(['blocks', 'mempool-blocks']);
    expect(c.got[1]).toEqual({ pong: true });
    const blocks = c.got[0]?.blocks as Array<Record<string, unknown>>;
    expect(blocks.at(-1)?.height).toBe(890_447);
    const realBlock = (capture('details_rbf_tx01_ws_blocks_01.json').blocks as unknown[])[0];
    const realExtras = Object.keys((realBlock as { extras: object }).extras);
    expect(keysOf(blocks[0]).filter((k) => k !== 'extras')).toEqual(keysOf(realBlock).filter((k) => k !== 'extras'));
    expect(Object.keys(blocks[0]?.extras as object).every((k) => realExtras.includes(k))).toBe(true);
    c.ws.close();
  });

  it('a new block reaches each client with only what it subscribed to, in one message', async () => {
    const a = await client(fake);
    const b = await client(fake);
    a.ws.send(JSON.stringify({ action: 'want', data: ['blocks'] }));
    b.ws.send(JSON.stringify({ 'track-mempool': true }));
    await a.next(1);
    await fake.waitForClients(2);
    const tx = makeTx({ seed: 'fm1', outputs: [{ address: 'bc1qa', value: 5000 }] });
    fake.addTxs([tx]);
    fake.mineBlock({ txids: [tx.txid] });
    await a.next(2);
    await b.next(2);
    expect(keysOf(a.got[1])).toEqual(['block']);
    expect((a.got[1]?.block as { height: number }).height).toBe(fake.state.tipHeight);
    const [added, mined] = b.got.map((m) => m['mempool-transactions'] as Record<string, unknown>);
    expect(keysOf(added)).toEqual(['added', 'mined', 'removed', 'replaced', 'sequence']);
    expect((added?.added as Array<{ txid: string }>)[0]?.txid).toBe(tx.txid);
    // websocket-handler.ts handleNewBlock: `mined` lists every transaction of the block, coinbase first.
    expect(mined).toMatchObject({
      sequence: (added?.sequence as number) + 1,
      mined: [makeCoinbase(fake.state.tipHeight).txid, tx.txid],
      added: [],
    });
    // a synthetic tx has every field the captured backend objects have
    const real = (capture('backend_transactions-random.json') as unknown as Array<Record<string, unknown>>)[0];
    expect(keysOf((added?.added as unknown[])[0]).filter((k) => k !== 'position' && k !== 'inputs')).toEqual(
      keysOf(real).filter((k) => k !== 'position' && k !== 'inputs'),
    );
    a.ws.close();
    b.ws.close();
  });
});

describe('fake mempool REST', () => {
  it('prices have the shape of mempool conversions; tip height is text', async () => {
    const prices = (await (await fetch(`${fake.url}/api/v1/prices`)).json()) as Record<string, unknown>;
    expect(keysOf(prices)).toEqual(keysOf(capture('mainnet_mempoolInfo.json').conversions));
    expect(prices.USD).toBe(84_000);
    const tip = await fetch(`${fake.url}/api/v1/blocks/tip/height`);
    expect([tip.headers.get('content-type'), await tip.text()]).toEqual(['text/plain', String(fake.state.tipHeight)]);
    const fees = (await (await fetch(`${fake.url}/api/v1/fees/recommended`)).json()) as Record<string, unknown>;
    expect(keysOf(fees)).toEqual(keysOf(capture('mainnet_mempoolInfo.json').fees));
  });

  it('its own tx routes fill prevouts through Core: without txindex a confirmed parent is a 500', async () => {
    const tx = makeTx({ seed: 'rest1', outputs: [{ address: 'bc1qb', value: 1 }] });
    fake.addTxs([tx]);
    const r = await fetch(`${fake.url}/api/v1/tx/${tx.txid}`);
    expect([r.status, await r.json()]).toEqual([500, { error: 'Failed to get transaction' }]);
    expect((await fetch(`${fake.url}/api/v1/tx/${'0'.repeat(64)}`)).status).toBe(500);
    expect(await (await fetch(`${fake.url}/api/v1/mempool/txids`)).json()).toContain(tx.txid);
  });

  it('with txindex: 200 with the prevouts, an unknown txid 404; on the esplora backend the routes do not exist', async () => {
    const indexed = await startFakeMempool({ txindex: true });
    const esplora = await startFakeMempool({ backend: 'esplora' });
    try {
      const tx = makeTx({ seed: 'rest2', outputs: [{ address: 'bc1qb', value: 1 }] });
      indexed.addTxs([tx]);
      const r = (await (await fetch(`${indexed.url}/api/v1/tx/${tx.txid}`)).json()) as { vin: { prevout: unknown }[] };
      expect(r.vin[0]!.prevout).toEqual(tx.vin[0]!.prevout);
      const unknown = await fetch(`${indexed.url}/api/v1/tx/${'0'.repeat(64)}`);
      expect([unknown.status, await unknown.json()]).toEqual([
        404,
        { error: 'No such mempool or blockchain transaction' },
      ]);
      const none = await fetch(`${esplora.url}/api/v1/tx/${tx.txid}`);
      expect([none.status, await none.text()]).toEqual([404, expect.stringContaining('Cannot GET /api/v1/tx/')]);
      expect(await (await fetch(`${esplora.url}/api/v1/backend-info`)).json()).toMatchObject({ backend: 'esplora' });
    } finally {
      await Promise.all([indexed.close(), esplora.close()]);
    }
  });
});

describe('throughput mode', () => {
  it('pre-serializes batches and marks whales', () => {
    const batches = prepareBatches({ count: 250, ratePerSec: 1000, batchSize: 100, whaleEvery: 50 });
    expect(batches).toHaveLength(3);
    const txs = batches.flatMap((b) => JSON.parse(b) as Array<{ vout: Array<{ value: number }> }>);
    expect(txs).toHaveLength(250);
    expect(txs.filter((t) => (t.vout[0]?.value ?? 0) >= 100e8)).toHaveLength(5);
  });

  it('pushes every transaction to a tracking client with consecutive sequences', async () => {
    const c = await client(fake);
    c.ws.send(JSON.stringify({ 'track-mempool': true }));
    await fake.waitForClients(1, 5000, true);
    const r = await pushThroughput(fake, { count: 500, ratePerSec: 50_000, batchSize: 100 });
    await c.next(5);
    const deltas = c.got.map((m) => m['mempool-transactions'] as { sequence: number; added: unknown[] });
    expect(r).toMatchObject({ txs: 500, batches: 5 });
    expect(deltas.reduce((s, d) => s + d.added.length, 0)).toBe(500);
    const seqs = deltas.map((d) => d.sequence);
    expect(seqs.slice(1).every((s, i) => s === (seqs[i] as number) + 1)).toBe(true);
    fake.setMempoolBlocksOnUpdate(true);
    c.ws.close();
  });
});

describe('upstream behaviours the fake reproduces', () => {
  type Delta = {
    sequence: number;
    added: Array<{ txid: string; vin: Array<{ prevout: unknown }> }>;
    removed: string[];
    mined: string[];
    replaced: Array<{ replaced: string; by: { txid: string; status: Record<string, unknown> } }>;
  };
  async function tracking(f: FakeMempool) {
    const before = f.received.length;
    const c = await client(f);
    c.ws.send(JSON.stringify({ 'track-mempool': true }));
    await f.waitFor(() => f.received.length > before, 5000, 'the track-mempool message');
    const deltas = () =>
      c.got.filter((m) => 'mempool-transactions' in m).map((m) => m['mempool-transactions'] as Delta);
    return { ...c, deltas };
  }
  const w = (seed: string) => makeTx({ seed, outputs: [{ address: 'bc1qw', value: 200e8 }], feeRate: 5 });
  let f: FakeMempool;
  beforeAll(async () => {
    f = await startFakeMempool({ tipHeight: 800_000 });
  });
  afterAll(() => f.close());

  it("BACKEND 'none' (mempool's default) sends every input's prevout as null; 'esplora' fills them", async () => {
    const esplora = await startFakeMempool({ tipHeight: 1, backend: 'esplora' });
    try {
      for (const [fm, want] of [
        [f, null],
        [esplora, { scriptpubkey_address: expect.any(String) as string }],
      ] as const) {
        const c = await tracking(fm);
        fm.addTxs([w(`backend-${fm.state.backend}`)]);
        await c.next(1);
        expect(c.deltas()[0]?.added[0]?.vin[0]?.prevout).toEqual(want === null ? null : expect.objectContaining(want));
        c.ws.close();
      }
    } finally {
      await esplora.close();
    }
  });

  it('pairs a replacement with a deletion of the last 10 updates, quiet ones included, and only a higher fee', async () => {
    const c = await tracking(f);
    const a = w('rbf-a');
    const b = w('rbf-b');
    const cheap = w('rbf-c');
    f.addTxs([a, b, cheap]);
    f.removeTxs([a.txid, b.txid, cheap.txid]); // deleted from Core; replacements not yet fetched
    for (let i = 0; i < 3; i++) f.update(); // quiet updates: no message, the window ages
    f.addTxs([makeReplacement(a, { seed: 'rbf-a2' })]); // 5th update after the deletion: paired
    // A "replacement" paying less than the original is no replacement for common.ts findRbfTransactions.
    f.addTxs([makeReplacement(cheap, { seed: 'rbf-c2', feeRate: 1 })]);
    for (let i = 0; i < 4; i++) f.update();
    f.addTxs([makeReplacement(b, { seed: 'rbf-b2' })]); // 11th update: b left the window
    await c.next(5);
    const d = c.deltas();
    expect(d.map((x) => [x.removed.length, x.replaced.map((r) => r.replaced)])).toEqual([
      [0, []],
      [3, []],
      [0, [a.txid]],
      [0, []],
      [0, []],
    ]);
    expect(d[2]?.replaced[0]?.by.txid).toBe(d[2]?.added[0]?.txid);
    expect(RECENTLY_DELETED_UPDATES).toBe(10);
    c.ws.close();
  });

  it('a block with a conflicting transaction: `replaced` by the mined tx (confirmed), the whale removed at the next update', async () => {
    const c = await tracking(f);
    const whale = w('conflict-whale');
    const mined = makeReplacement(whale, { seed: 'conflict-mined' });
    f.addTxs([whale]);
    f.mineBlock({ txids: [], txs: [mined] });
    expect(f.esplora.mempoolTxids()).not.toContain(whale.txid); // gone from Core, hence from electrs
    expect(f.state.mempool.has(whale.txid)).toBe(true); // still in mempool's cache
    f.update();
    await c.next(3);
    const [, block, next] = c.deltas();
    expect(block?.mined).toEqual([makeCoinbase(f.state.tipHeight).txid, mined.txid]);
    expect(block?.replaced).toEqual([
      {
        replaced: whale.txid,
        by: expect.objectContaining({
          txid: mined.txid,
          status: expect.objectContaining({ confirmed: true, block_height: f.state.tipHeight }) as object,
        }) as object,
      },
    ]);
    expect(next?.removed).toEqual([whale.txid]);
    c.ws.close();
  });

  it('out of sync, the sequence stops advancing: the same number comes again', async () => {
    const c = await tracking(f);
    f.addTxs([w('sync-1')]);
    f.setInSync(false);
    f.addTxs([w('sync-2')]);
    f.mineBlock({ txids: [] });
    f.setInSync(true);
    f.addTxs([w('sync-3')]);
    await c.next(4);
    const s = c.deltas().map((d) => d.sequence);
    expect(s).toEqual([s[0], s[0], s[0], s[0]! + 1]);
    c.ws.close();
  });
});
