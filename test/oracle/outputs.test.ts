import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { decodeSummary, encodeSummary } from '../../src/oracle/summaryCodec.js';
import { inRangeAmounts, passesTxFilters, summarizeBlock, windowOutputs } from '../../src/oracle/outputs.js';
import { type FakeTxSpec, fakeBlock, fakeTx } from './fakeTx.js';

describe('per-transaction filters (oracle.md §2)', () => {
  const rows: Array<[string, Omit<FakeTxSpec, 'txid'>, boolean]> = [
    ['plain 1-in 2-out', {}, true],
    ['5 inputs', { spends: [1, 2, 3, 4, 5] }, true],
    ['6 inputs', { spends: [1, 2, 3, 4, 5, 6] }, false],
    ['1 output', { values: [150_000] }, false],
    ['3 outputs', { values: [150_000, 1, 2] }, false],
    ['lone null prevout (coinbase)', { spends: [0], prevIndex: 0xffffffff }, false],
    ['null txid but index 0 is not coinbase', { spends: [0], prevIndex: 0 }, true],
    ['OP_RETURN output', { scripts: [Uint8Array.of(0x6a, 0x04), Uint8Array.of(0x00)] }, false],
    ['empty output script is fine', { scripts: [new Uint8Array(0), Uint8Array.of(0x51)] }, true],
    ['empty script, then OP_RETURN', { scripts: [new Uint8Array(0), Uint8Array.of(0x6a)] }, false],
    ['0x6a later in the script is fine', { scripts: [Uint8Array.of(0x00, 0x6a), Uint8Array.of(0x51)] }, true],
    ['witness item of 500 bytes', { witness: [[500]] }, true],
    ['witness item of 501 bytes', { witness: [[501]] }, false],
    ['one input totals 501', { spends: [1, 2], witness: [[300, 201], [10]] }, false],
    ['each input 500, total per input only', { spends: [1, 2], witness: [[250, 250], [500]] }, true],
  ];
  it.each(rows)('%s', (_name, spec, want) => {
    expect(passesTxFilters(fakeTx({ txid: 9, ...spec }))).toBe(want);
  });

  it.each([
    [[1000, 1001], [0.00001001]], // exactly 1,000 sats (1e-5 BTC) is out
    [[10_000_000_000_000, 9_999_999_999_999], [99999.99999999]], // exactly 1e5 BTC is out
    [[546, 12345], [0.00012345]],
    [[150_000, 2_000_000], [0.0015, 0.02]],
  ])('amounts of %j are %j', (values, want) => {
    expect(inRangeAmounts(fakeTx({ txid: 9, values }))).toEqual(want);
  });
});

describe('windowOutputs: the same-day rule over the window', () => {
  const b1 = fakeBlock(1000, [
    fakeTx({ txid: 1, spends: [0], prevIndex: 0xffffffff }), // coinbase
    fakeTx({ txid: 2, values: [100_000, 200_000] }),
    fakeTx({ txid: 3, spends: [2], values: [300_000, 400_000] }), // spends tx 2 of this window: out
    fakeTx({ txid: 4, spends: [7], values: [500_000, 600_000] }), // spends a LATER tx (7): kept
    fakeTx({ txid: 5, spends: [5], values: [700_000, 800_000] }), // own txid is in the set first: out
  ]);
  const b2 = fakeBlock(2000, [
    fakeTx({ txid: 6, spends: [0], prevIndex: 0xffffffff }),
    fakeTx({ txid: 7, spends: [99, 4], values: [900_000, 1_000] }), // spends tx 4 of block 1: out
    fakeTx({ txid: 8, spends: [98], values: [1_100_000, 1_200_000] }),
  ]);
  const summaries = [summarizeBlock(b1, 100), summarizeBlock(b2, 101)];

  it('keeps the right amounts with their heights and times', () => {
    const w = windowOutputs(summaries);
    expect(Array.from(w.amounts)).toEqual([0.001, 0.002, 0.005, 0.006, 0.011, 0.012]);
    expect(Array.from(w.heights)).toEqual([100, 100, 100, 100, 101, 101]);
    expect(Array.from(w.times)).toEqual([1000, 1000, 1000, 1000, 2000, 2000]);
    expect(w.txCount).toBe(8);
  });

  it('a block alone does not know the earlier block', () => {
    expect(Array.from(windowOutputs([summaries[1]!]).amounts)).toEqual([0.009, 0.011, 0.012]);
  });

  it('summaries drop non-candidates but keep every txid', () => {
    expect(summaries[0]!.candidates.map((c) => c.txIndex)).toEqual([1, 2, 3, 4]);
    expect(summaries[0]!.txids.length).toBe(5 * 32);
  });

  it('an empty window has no amounts', () => {
    expect(windowOutputs([]).amounts.length).toBe(0);
  });
});

describe('summary codec', () => {
  const s = summarizeBlock(
    fakeBlock(1_700_000_000, [fakeTx({ txid: 1, spends: [0], prevIndex: 0xffffffff }), fakeTx({ txid: 2, spends: [3, 4], values: [123_456, 0.1e8 + 1] })]),
    840_000,
  );

  it('round-trips exactly', () => {
    const bytes = encodeSummary(s);
    expect(decodeSummary(bytes)).toEqual(s);
    expect(encodeSummary(decodeSummary(bytes))).toEqual(bytes);
  });

  const bytes = encodeSummary(s);
  const corrupt = (f: (b: Uint8Array) => Uint8Array) => f(Uint8Array.from(bytes));
  it.each([
    ['empty', new Uint8Array(0), /truncated/],
    ['bad magic', corrupt((b) => (b.set([0x58], 0), b)), /magic/],
    ['truncated', bytes.subarray(0, bytes.length - 1), /truncated/],
    ['trailing byte', Uint8Array.of(...bytes, 0), /trailing/],
    ['candidate index past txs', corrupt((b) => (b.set([9], 4 + 8 + 32 + 4 + 64 + 4), b)), /out of order or range/],
    ['six inputs', corrupt((b) => (b.set([6], 4 + 8 + 32 + 4 + 64 + 4 + 4), b)), /6 inputs/],
  ])('rejects %s', (_name, input, msg) => {
    expect(() => decodeSummary(input)).toThrow(DataError);
    expect(() => decodeSummary(input)).toThrow(msg);
  });
});
