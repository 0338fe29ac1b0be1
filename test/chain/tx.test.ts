import { describe, expect, it } from 'vitest';
import { parseTransaction } from '../../src/chain/tx.js';
import { sha256d, toDisplayHex } from '../../src/chain/hash.js';
import { DataError } from '../../src/errors.js';
import { craftTx, u64, varint, type CraftTx } from './craft.js';

const NULL_PREV = new Array(32).fill(0);
const legacy: CraftTx = {
  inputs: [{ script: [0x51] }],
  outputs: [{ value: 1000n }, { value: 2000n, script: [0x6a, 0x01, 0x00] }],
};
const segwit: CraftTx = {
  segwit: true,
  inputs: [{ witness: [[1, 2, 3], []] }, { witness: [] }],
  outputs: [{ value: 7n }],
};

describe('parseTransaction: well-formed', () => {
  it('parses a legacy tx; txid is sha256d of all its bytes', () => {
    const bytes = craftTx(legacy);
    const tx = parseTransaction(bytes);
    expect(tx.txid).toBe(toDisplayHex(sha256d(bytes)));
    expect(tx).toMatchObject({
      version: 2,
      segwit: false,
      locktime: 0,
      size: bytes.length,
      baseSize: bytes.length,
      weight: 4 * bytes.length,
      isCoinbase: false,
      hasNullPrevout: false,
    });
    expect(tx.outputs.map((o) => o.value)).toEqual([1000, 2000]);
    expect(Array.from(tx.outputs[1]!.script)).toEqual([0x6a, 0x01, 0x00]);
    expect(tx.inputs[0]!.witness).toEqual([]);
    expect(tx.inputs[0]!.prevTxid).toBe('07'.repeat(32));
  });

  it('parses a segwit tx; txid ignores marker, flag and witness, size and weight count them', () => {
    const bytes = craftTx(segwit);
    const stripped = craftTx({ ...segwit, segwit: false });
    const tx = parseTransaction(bytes);
    expect(tx.segwit).toBe(true);
    expect(tx.txid).toBe(toDisplayHex(sha256d(stripped)));
    expect(tx.size).toBe(bytes.length);
    expect(tx.baseSize).toBe(stripped.length);
    expect(tx.weight).toBe(3 * stripped.length + bytes.length);
    expect(tx.inputs[0]!.witness.map((w) => Array.from(w))).toEqual([[1, 2, 3], []]);
    expect(tx.inputs[1]!.witness).toEqual([]);
  });

  it.each([
    {
      name: 'lone null prevout is a coinbase',
      inputs: [{ prev: NULL_PREV, index: 0xffffffff }],
      coinbase: true,
      nullPrevout: true,
    },
    {
      name: 'null prevout among two inputs is not a consensus coinbase',
      inputs: [{}, { prev: NULL_PREV, index: 0xffffffff }],
      coinbase: false,
      nullPrevout: true,
    },
    {
      name: 'zero txid with index 0 is not null',
      inputs: [{ prev: NULL_PREV, index: 0 }],
      coinbase: false,
      nullPrevout: false,
    },
  ])('$name', ({ inputs, coinbase, nullPrevout }) => {
    const tx = parseTransaction(craftTx({ inputs, outputs: [{}] }));
    expect(tx.isCoinbase).toBe(coinbase);
    expect(tx.hasNullPrevout).toBe(nullPrevout);
  });

  it('accepts 0 and MAX_MONEY output values', () => {
    const tx = parseTransaction(craftTx({ inputs: [{}], outputs: [{ value: 0n }, { value: 2_100_000_000_000_000n }] }));
    expect(tx.outputs.map((o) => o.value)).toEqual([0, 2_100_000_000_000_000]);
  });
});

describe('parseTransaction: malformed', () => {
  const withTrailing = (b: Uint8Array) => new Uint8Array([...b, 0]);
  it.each([
    {
      name: 'bad segwit flag 0x02',
      bytes: craftTx({ ...segwit, flag: 0x02 }),
      error: /segwit flag is 0x02, expected 0x01 at offset 5/,
    },
    { name: 'segwit flag 0x00', bytes: craftTx({ ...segwit, flag: 0x00 }), error: /segwit flag is 0x00/ },
    {
      name: 'segwit with all witnesses empty',
      bytes: craftTx({ ...segwit, inputs: [{ witness: [] }, { witness: [] }] }),
      error: /all witnesses empty/,
    },
    { name: 'no outputs', bytes: craftTx({ inputs: [{}], outputs: [] }), error: /output count is 0/ },
    {
      name: 'value above MAX_MONEY',
      bytes: craftTx({ inputs: [{}], outputs: [{ value: 2_100_000_000_000_001n }] }),
      error: /output 0 value 2100000000000001 sats is outside/,
    },
    {
      name: 'negative value',
      bytes: craftTx({ inputs: [{}], outputs: [{}, { rawValue: u64(-5n) }] }),
      error: /output 1 value -5 sats/,
    },
    {
      name: 'non-shortest input count',
      bytes: craftTx({ ...legacy, inputCount: [0xfd, 0x01, 0x00] }),
      error: /input count varint 1 is not in shortest form/,
    },
    {
      name: 'non-shortest output count',
      bytes: craftTx({ ...legacy, outputCount: [0xfe, 0x02, 0, 0, 0] }),
      error: /output count varint 2 is not in shortest form/,
    },
    {
      name: 'huge input count',
      bytes: craftTx({ ...legacy, inputCount: [0xfe, 0xff, 0xff, 0xff, 0x7f] }),
      error: /input count 2147483647 cannot fit/,
    },
    {
      name: 'huge output count',
      bytes: craftTx({ ...legacy, outputCount: varint(1000) }),
      error: /output count 1000 cannot fit/,
    },
    { name: 'trailing byte', bytes: withTrailing(craftTx(legacy)), error: /1 trailing bytes after the transaction/ },
    {
      name: 'missing locktime byte',
      bytes: craftTx(legacy).subarray(0, craftTx(legacy).length - 1),
      error: /needed 4 bytes for locktime/,
    },
    {
      name: 'scriptSig longer than the tx',
      bytes: craftTx({ inputs: [{ script: [] }], outputs: [{}] }).map((b, i) => (i === 41 ? 0xfc : b)),
      error: /input 0 scriptSig claims 252 bytes/,
    },
    { name: 'empty', bytes: new Uint8Array(0), error: /truncated transaction: needed 4 bytes for version at offset 0/ },
  ])('$name', ({ bytes, error }) => {
    let caught: unknown;
    try {
      parseTransaction(bytes);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect((caught as Error).message).toMatch(error);
  });
});
