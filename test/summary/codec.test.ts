import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import {
  decodeAmounts,
  decodeEntry,
  decodeSummary,
  encodeSummary,
  keysOf,
  sealEntry,
  sectionsOf,
  withFunding,
} from '../../src/summary/codec.js';
import { FIELD, HEADER_BYTES, MAGIC, decodeHeader, isOtherVersion } from '../../src/summary/entryHeader.js';
import { RULES_VERSION } from '../../src/summary/candidateRule.js';
import { summarizeBlock } from '../../src/summary/summarizeBlock.js';
import { fakeBlock, fakeTx } from '../oracle/fakeTx.js';

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

  it('writes exactly the bytes of format UXS5 (a format change must bump MAGIC)', () => {
    // Round trips pass whatever the format; this pin does not. A change here is a change of the
    // cache format: bump MAGIC in entryHeader.ts (entries of the old format are then fetched again)
    // and pin the new bytes. Readable parts: "UXS5", height 840000, time 1700000000, the block hash
    // (0xab…), 2 txs, 1 candidate, 2 amounts, 2 inputs, resolved from 839900, …, the input txids
    // (0x03…, 0x04…) and the txids (0x01…, 0x02…).
    expect(MAGIC).toBe('UXS5');
    expect(Buffer.from(encodeSummary(s, funding)).toString('hex')).toBe(
      '5558533540d10c0000f15365' +
        'ab'.repeat(32) +
        '02000000010000000200000002000000dcd00c00010000000c6b17316d5a7349ccd622cb14facbb41e3a543f5eb78cc4' +
        '9999b93f0ed10c000ed10c000101010102020202010000000202' +
        '03'.repeat(32) +
        '04'.repeat(32) +
        '01'.repeat(32) +
        '02'.repeat(32),
    );
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
    ['the old format', corrupt((b) => b.set([0x34], 3)), /magic "UXS4"/],
    ['other candidate rules', corrupt((b) => u32(b, FIELD.rulesVersion, RULES_VERSION + 1)), /rules version/],
    ['a flipped bit in an amount', flip(HEADER_BYTES + 3), /amounts or funding fails its checksum/],
    ['a flipped bit in a funding height', flip(fundedAt), /amounts or funding fails its checksum/],
    ['a flipped bit in resolvedFrom', flip(FIELD.resolvedFrom + 1), /fails its checksum/],
    ['a flipped bit in a key', flip(keysAt + 2), /keys fails its checksum/],
    ['a flipped bit in a txid', flip(bytes.length - 5), /candidates or txids fails its checksum/],
    ['a flipped bit in an input txid', flip(txIndexAt + 4 + 2 + 2 + 7), /candidates or txids fails its checksum/],
    ['a key that is not its txid', corrupt((b) => u32(b, keysAt + 4, 7)), /key 1 does not match its txid/],
    ['truncated', bytes.subarray(0, bytes.length - 1), /truncated/],
    ['trailing byte', Uint8Array.of(...bytes, 0), /trailing/],
    ['more candidates than txs', corrupt((b) => u32(b, FIELD.candidateCount, 3)), /inconsistent/],
    ['resolved past the block', corrupt((b) => u32(b, FIELD.resolvedFrom, 840_002)), /past block/],
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

  it("without checksums (a parser thread's answer, never on disk) still makes every structural check", () => {
    // Only the sums are skipped: a flipped txid bit goes through, as it would have been encoded...
    expect(() => decodeEntry(flip(bytes.length - 5), { checksums: false })).not.toThrow();
    expect(() => decodeEntry(flip(bytes.length - 5))).toThrow(/fails its checksum/);
    // ...while a forged entry fails the same checks as with them.
    for (const [b, msg] of [
      [corrupt((b) => u32(b, keysAt + 4, 7)), /key 1 does not match its txid/],
      [corrupt((b) => u32(b, fundedAt, 840_001)), /funded from height 840001/],
      [corrupt((b) => u32(b, txIndexAt, 9)), /out of order or range/],
      [bytes.subarray(0, bytes.length - 1), /truncated/],
    ] as const)
      expect(() => decodeEntry(b, { checksums: false })).toThrow(msg);
  });

  it('tells an entry of another version (format or candidate rules) from a damaged one', () => {
    expect(isOtherVersion(bytes)).toBe(false);
    expect(isOtherVersion(corrupt((b) => b.set([0x34], 3)))).toBe(true); // UXS4, the format before
    expect(isOtherVersion(corrupt((b) => u32(b, FIELD.rulesVersion, RULES_VERSION - 1)))).toBe(true);
    expect(isOtherVersion(flip(FIELD.amountCount))).toBe(false); // damage, not a version
    expect(isOtherVersion(Uint8Array.from([0x58, 0x59, 0x5a, 0x5b]))).toBe(false); // not ours at all
  });

  it('withFunding rewrites the entry in place, as encodeSummary would have written it', () => {
    const entry = decodeEntry(encodeSummary(s).slice());
    const written = withFunding(entry, funding);
    expect(Buffer.from(written).equals(Buffer.from(encodeSummary(s, funding)))).toBe(true);
    expect([entry.resolvedFrom, Array.from(entry.fundedFrom)]).toEqual([839_900, [839_950, 839_950]]);
    expect(() => withFunding(entry, { resolvedFrom: 1, perCandidate: new Int32Array(2) })).toThrow(/2 funding heights/);
  });
});
