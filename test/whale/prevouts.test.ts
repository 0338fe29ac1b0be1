// The prevout resolver's rules, against a source that answers from a table: the whale's own
// transaction first, funding transactions otherwise (shared while in flight, cached, bounded),
// unknown only when neither tells, and a shutdown that does not wait for a hung electrs.
import { describe, expect, it } from 'vitest';
import type { MempoolTx } from '../../src/sources/mempool/stream.js';
import { PrevoutResolver, type PrevoutSource } from '../../src/whale/prevouts.js';
import { ADDR, BTC, tx } from './helpers.js';

const whale = tx({
  seed: 'pr-whale',
  inputs: [
    { address: ADDR.krakenCold, value: 100 * BTC },
    { address: ADDR.krakenCold, value: 60 * BTC },
  ],
  spends: [
    { txid: 'f'.repeat(64), vout: 0 },
    { txid: 'f'.repeat(64), vout: 1 },
  ],
  outputs: [{ address: ADDR.user1, value: 160 * BTC - 1_000 }],
});
const blank = (t: MempoolTx): MempoolTx => ({ ...t, vin: t.vin.map((v) => ({ ...v, prevout: null })) });
const funding: MempoolTx = { ...whale, txid: 'f'.repeat(64), vout: whale.vin.map((v) => v.prevout!) };

/** An Esplora-like source answering from a table: whole transactions, and their outputs from the same. */
function source(table: Record<string, MempoolTx | null | 'hang' | 'fail'>) {
  const asked: string[] = [];
  const get = (txid: string): Promise<MempoolTx | null> => {
    asked.push(txid);
    const v = table[txid] ?? null;
    if (v === 'hang') return new Promise(() => {});
    if (v === 'fail') return Promise.reject(new Error('electrs down'));
    return Promise.resolve(v);
  };
  const s: PrevoutSource = {
    txWithPrevouts: get,
    async outputs(txid) {
      const t = await get(txid);
      return t ? new Map(t.vout.map((o, i) => [i, o])) : null;
    },
  };
  return { s, asked };
}

describe('PrevoutResolver', () => {
  it('takes every prevout from the whale itself when electrs knows it', async () => {
    const { s, asked } = source({ [whale.txid]: whale });
    const r = new PrevoutResolver({ source: s });
    const filled = await r.fill(blank(whale));
    expect(filled.vin.map((v) => v.prevout)).toEqual(whale.vin.map((v) => v.prevout));
    expect(asked).toEqual([whale.txid]);
    expect(r.stats).toMatchObject({ lookups: 1, fromTx: 2, fromFunding: 0, missing: 0 });
  });

  it('falls back to the funding transaction, asked once for both inputs, then cached', async () => {
    const { s, asked } = source({ [funding.txid]: funding });
    const r = new PrevoutResolver({ source: s });
    const filled = await r.fill(blank(whale));
    expect(filled.vin.map((v) => v.prevout?.value)).toEqual([100 * BTC, 60 * BTC]);
    await r.fill(blank({ ...whale, txid: 'e'.repeat(64) })); // a replacement spending the same coins
    expect(asked).toEqual([whale.txid, funding.txid, 'e'.repeat(64)]);
    expect(r.stats).toMatchObject({ lookups: 2, fromFunding: 4, cacheHits: 2, missing: 0 });
  });

  it('keeps at most cacheSize spent outputs', async () => {
    const { s, asked } = source({ [funding.txid]: funding });
    const r = new PrevoutResolver({ source: s, cacheSize: 1 });
    await r.fill(blank(whale));
    await r.fill(blank({ ...whale, txid: 'e'.repeat(64) }));
    expect(asked.filter((t) => t === funding.txid)).toHaveLength(2); // one of two outputs was evicted
  });

  it('leaves null what electrs cannot tell, counting failures, and does not touch a coinbase', async () => {
    const { s } = source({ [whale.txid]: 'fail' });
    const r = new PrevoutResolver({ source: s, onError: () => undefined });
    const filled = await r.fill(blank(whale));
    expect(filled.vin.map((v) => v.prevout)).toEqual([null, null]);
    expect(r.stats).toMatchObject({ errors: 1, missing: 2 });
    const coinbase = { ...whale, vin: [{ ...whale.vin[0]!, prevout: null, is_coinbase: true }] };
    expect(PrevoutResolver.missing(coinbase)).toBe(false);
    expect(await r.fill(coinbase)).toBe(coinbase);
  });

  it('gives up when stopped, so a shutdown does not wait for a hung electrs', async () => {
    const { s } = source({ [whale.txid]: 'hang' });
    const stop = new AbortController();
    const r = new PrevoutResolver({ source: s, signal: stop.signal });
    const p = r.fill(blank(whale));
    stop.abort();
    expect((await p).vin.map((v) => v.prevout)).toEqual([null, null]);
  });

  it('labels with what it has once too many lookups wait', async () => {
    const { s } = source({ [whale.txid]: 'hang' });
    const r = new PrevoutResolver({ source: s, maxPending: 1 });
    void r.fill(blank(whale));
    const second = await r.fill(blank({ ...whale, txid: 'd'.repeat(64) }));
    expect(second.vin.map((v) => v.prevout)).toEqual([null, null]);
    expect(r.stats).toMatchObject({ skipped: 1 });
  });
});
