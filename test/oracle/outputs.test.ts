import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import {
  HEADER_BYTES,
  decodeAmounts,
  decodeHeader,
  decodeSummary,
  encodeSummary,
  keysOf,
  sealEntry,
  sectionsOf,
} from '../../src/oracle/summaryCodec.js';
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
    [
      [150_000, 2_000_000],
      [0.0015, 0.02],
    ],
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
    fakeBlock(1_700_000_000, [
      fakeTx({ txid: 1, spends: [0], prevIndex: 0xffffffff }),
      fakeTx({ txid: 2, spends: [3, 4], values: [123_456, 0.1e8 + 1] }),
    ]),
    840_000,
  );
  const funding = { resolvedFrom: 839_900, perCandidate: Int32Array.of(839_950) };

  it('round-trips exactly, unresolved by default', () => {
    const bytes = encodeSummary(s);
    const back = decodeSummary(bytes);
    expect(back.summary).toEqual(s);
    expect(back.funding).toEqual({ resolvedFrom: 840_001, perCandidate: Int32Array.of(-1) });
    expect(encodeSummary(back.summary, back.funding)).toEqual(bytes);
  });

  it('keeps funding heights, and the amounts prefix alone gives them per amount', () => {
    const bytes = encodeSummary(s, funding);
    expect(decodeSummary(bytes).funding).toEqual(funding);
    const h = decodeHeader(bytes);
    expect([h.txCount, h.candidateCount, h.amountCount, h.inputCount, h.resolvedFrom]).toEqual([2, 1, 2, 2, 839_900]);
    const a = decodeAmounts(bytes.slice(0, h.prefixLength));
    expect(Array.from(a.amounts)).toEqual([0.00123456, 0.10000001]);
    expect(Array.from(a.fundedFrom)).toEqual([839_950, 839_950]);
    expect([a.height, a.hash, a.time, a.txCount, a.resolvedFrom]).toEqual([840_000, s.hash, 1_700_000_000, 2, 839_900]);
    const at = sectionsOf(h);
    expect(bytes.subarray(at.txids, at.end)).toEqual(s.txids);
    expect(at.end).toBe(bytes.length);
    expect(Array.from(keysOf(h, bytes.slice(at.keys, at.keys + 8)))).toEqual([0x01010101, 0x02020202]); // fakeTx ids are filled with their number
  });

  it('decodes from unaligned bytes too (copies instead of views)', () => {
    const bytes = encodeSummary(s, funding);
    const shifted = new Uint8Array(bytes.length + 3).subarray(3);
    shifted.set(bytes);
    expect(decodeSummary(shifted).summary).toEqual(s);
    expect(Array.from(decodeAmounts(shifted).amounts)).toEqual([0.00123456, 0.10000001]);
  });

  const bytes = encodeSummary(s, funding);
  // A forged entry: changed, then sealed again, so the checks behind the checksums are what fail.
  const corrupt = (f: (b: Uint8Array) => void) => {
    const b = Uint8Array.from(bytes);
    f(b);
    try {
      sealEntry(b);
    } catch {
      // a header too broken to seal: its own checks are what fail
    }
    return b;
  };
  // Damage on disk: a flipped bit, not sealed again.
  const flip = (at: number) => {
    const b = Uint8Array.from(bytes);
    b[at]! ^= 0x10;
    return b;
  };
  const u32 = (b: Uint8Array, o: number, v: number) => Buffer.from(b.buffer).writeUInt32LE(v >>> 0, o);
  const h = decodeHeader(bytes);
  const fundedAt = HEADER_BYTES + 8 * h.amountCount;
  const keysAt = fundedAt + 4 * h.amountCount;
  const txIndexAt = keysAt + 4 * h.txCount;
  it.each([
    ['empty', new Uint8Array(0), /truncated/],
    ['bad magic', corrupt((b) => b.set([0x58], 0)), /magic/],
    ['the old format', corrupt((b) => b.set([0x33], 3)), /magic "UXS3"/],
    ['a flipped bit in an amount', flip(HEADER_BYTES + 3), /amounts or funding fails its checksum/],
    ['a flipped bit in a funding height', flip(fundedAt), /amounts or funding fails its checksum/],
    ['a flipped bit in resolvedFrom', flip(61), /fails its checksum/],
    ['a flipped bit in a key', flip(keysAt + 2), /keys fails its checksum/],
    ['a flipped bit in a txid', flip(bytes.length - 5), /candidates or txids fails its checksum/],
    ['a flipped bit in an input txid', flip(txIndexAt + 4 + 2 + 2 + 7), /candidates or txids fails its checksum/],
    ['a key that is not its txid', corrupt((b) => u32(b, keysAt + 4, 7)), /key 1 does not match its txid/],
    ['truncated', bytes.subarray(0, bytes.length - 1), /truncated/],
    ['trailing byte', Uint8Array.of(...bytes, 0), /trailing/],
    ['more candidates than txs', corrupt((b) => u32(b, 48, 3)), /inconsistent/],
    ['resolved past the block', corrupt((b) => u32(b, 60, 840_002)), /past block/],
    ['funding height below resolvedFrom', corrupt((b) => u32(b, fundedAt, 839_899)), /funded from height 839899/],
    ['funding height above the block', corrupt((b) => u32(b, fundedAt, 840_001)), /funded from height 840001/],
    [
      'amounts of one candidate funded differently',
      corrupt((b) => u32(b, fundedAt + 4, -1)),
      /different funding heights/,
    ],
    [
      'amount out of range',
      corrupt((b) => Buffer.from(b.buffer).writeDoubleLE(1e6, HEADER_BYTES)),
      /outside \(1e-5, 1e5\)/,
    ],
    ['candidate index past txs', corrupt((b) => u32(b, txIndexAt, 9)), /out of order or range/],
    ['six inputs', corrupt((b) => b.set([6], txIndexAt + 4)), /6 inputs/],
  ])('rejects %s', (_name, input, msg) => {
    expect(() => decodeSummary(input)).toThrow(DataError);
    expect(() => decodeSummary(input)).toThrow(msg);
  });
});
