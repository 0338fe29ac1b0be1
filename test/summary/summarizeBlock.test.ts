// The candidate rule (summary/candidateRule.ts) through summarizeBlock's reading of Transaction
// objects; scanBlock.test.ts holds the raw-bytes reading to the same answers.
import { describe, expect, it } from 'vitest';
import { inRangeAmounts, passesTxFilters } from '../../src/summary/summarizeBlock.js';
import { fakeTx, type FakeTxSpec } from '../oracle/fakeTx.js';

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
