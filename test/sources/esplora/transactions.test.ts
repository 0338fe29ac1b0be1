// The Esplora client's transaction and mempool-listing calls against the fake electrs, which serves
// the fake mempool's view in Esplora's shapes (electrs src/rest.rs): /tx/:txid with prevouts filled,
// 404 "Transaction not found" for what it does not know, and /mempool/txids read as a stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import { createEsploraClient } from '../../../src/sources/esplora/client.js';
import { TxidArrayParser } from '../../../src/sources/esplora/mempoolTxids.js';
import { type FakeElectrs, startFakeElectrs } from '../../fakes/electrs/server.js';
import { type FakeMempool, makeTx, makeTxBatch, startFakeMempool } from '../../fakes/mempool/index.js';

let fake: FakeMempool;
let electrs: FakeElectrs;
const pay = makeTx({
  seed: 'esplora-tx',
  inputs: [{ address: 'bc1qfunder', value: 50_000 }],
  outputs: [{ address: 'bc1qpayee', value: 40_000 }],
});
beforeAll(async () => {
  fake = await startFakeMempool({ tipHeight: 890_000 });
  electrs = await startFakeElectrs({ tipHeight: 890_000, view: fake.esplora });
  fake.addTxs([pay, ...makeTxBatch(2_000, 'esplora-list')]);
});
afterAll(async () => {
  await electrs.close();
  await fake.close();
});
const client = () => createEsploraClient({ url: electrs.url, timeoutMs: 2_000, retries: 1, backoffMs: 5 });

describe('esplora transactions', () => {
  it('a mempool transaction comes with its prevouts, fee and unconfirmed status (vsize from the weight)', async () => {
    const tx = await client().getTx(pay.txid);
    expect(tx).toMatchObject({
      txid: pay.txid,
      fee: 10_000,
      weight: pay.weight,
      vsize: Math.ceil(pay.weight / 4),
      status: { confirmed: false },
      vin: [{ prevout: { scriptpubkey_address: 'bc1qfunder', value: 50_000 } }],
      vout: [{ scriptpubkey_address: 'bc1qpayee', value: 40_000 }],
    });
  });

  it('a funding transaction the fake only knows by its spent outputs is served confirmed', async () => {
    const funding = await client().getTx(pay.vin[0]!.txid);
    expect(funding?.status).toMatchObject({ confirmed: true, block_height: 889_990 });
    expect(funding?.vout[pay.vin[0]!.vout]).toMatchObject({ scriptpubkey_address: 'bc1qfunder', value: 50_000 });
  });

  it('unknown to electrs (not yet synced, or gone): null; its status is {"confirmed":false}, not a 404', async () => {
    electrs.setUnknown([pay.txid]);
    try {
      await expect(client().getTx(pay.txid)).resolves.toBeNull();
      const res = await fetch(`${electrs.url}/tx/${pay.txid}`);
      expect([res.status, await res.text()]).toEqual([404, 'Transaction not found']);
      await expect(client().getTxStatus(pay.txid)).resolves.toEqual({ confirmed: false });
    } finally {
      electrs.setUnknown([pay.txid], false);
    }
  });

  it('a mined transaction: confirmed status with its block', async () => {
    const block = fake.mineBlock({ txids: [pay.txid] });
    await expect(client().getTxStatus(pay.txid)).resolves.toEqual({
      confirmed: true,
      block_height: 890_001,
      block_hash: block.id,
      block_time: block.timestamp,
    });
  });

  it('streams the mempool listing in batches, every txid once', async () => {
    const batches: string[][] = [];
    const n = await client().streamMempoolTxids((b) => batches.push(b));
    const all = batches.flat();
    expect(n).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(fake.esplora.mempoolTxids()));
    expect(all.length).toBeGreaterThan(1_900);
    expect(batches.length).toBeGreaterThan(1); // ~130 KB of JSON arrives in several chunks
  });

  it('a listing that fails midway is a SourceError', async () => {
    electrs.setDown(true);
    try {
      await expect(client().streamMempoolTxids(() => undefined)).rejects.toThrow(SourceError);
      await expect(client().streamMempoolTxids(() => undefined)).rejects.toThrow(/\/mempool\/txids: HTTP 503/);
    } finally {
      electrs.setDown(false);
    }
  });
});

describe('TxidArrayParser', () => {
  const A = 'a'.repeat(64);
  const B = 'b'.repeat(64);
  it.each([
    ['empty array', ['[]'], []],
    ['one chunk', [`["${A}","${B}"]`], [A, B]],
    ['whitespace', [` [ "${A}" ,\n "${B}" ] \n`], [A, B]],
    ['cut inside a txid', [`["${A.slice(0, 10)}`, `${A.slice(10)}","${B}"]`], [A, B]],
    ['cut at every character', [...`["${A}","${B}"]`], [A, B]],
  ])('%s', (_n, chunks, want) => {
    const p = new TxidArrayParser();
    const got = chunks.flatMap((c) => p.push(c));
    p.end();
    expect(got).toEqual(want);
  });

  it.each([
    ['not an array', ['{"a":1}'], /expected "\["/],
    ['uppercase hex', [`["${A.toUpperCase()}"]`], /\[0\] must be a txid/],
    ['short txid', ['["abc"]'], /the array ends early|must be a txid/],
    ['missing comma', [`["${A}" "${B}"]`], /missing ","/],
    ['double comma', [`["${A}",,"${B}"]`], /unexpected ","/],
    ['trailing comma', [`["${A}",]`], /"\]" after a comma/],
    ['leading comma', [`[,"${A}"]`], /unexpected ","/],
    ['a number', ['[1]'], /expected a txid string/],
    ['unterminated', [`["${A}"`], /the array ends early \(after 1 txids\)/],
    ['text after', [`["${A}"] x`], /text after the closing bracket/],
  ])('rejects %s', (_n, chunks, err) => {
    const p = new TxidArrayParser();
    expect(() => {
      for (const c of chunks) p.push(c);
      p.end();
    }).toThrow(err);
  });
});
