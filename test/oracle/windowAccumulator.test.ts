import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { WindowAccumulator, windowOutputs } from '../../src/oracle/windowAccumulator.js';
import { decodeEntry, encodeSummary, type Entry } from '../../src/summary/codec.js';
import { memoryBlock } from '../../src/summary/memoryBlock.js';
import { summarizeBlock } from '../../src/summary/summarizeBlock.js';
import type { Candidate } from '../../src/summary/types.js';
import { fakeBlock, fakeTx } from './fakeTx.js';

describe('WindowAccumulator: the same-day rule block by block', () => {
  // Txids that share their first 30 bits collide in the index and must be told apart byte by byte.
  const b1 = fakeBlock(1000, [
    fakeTx({ txid: 1, spends: [0], prevIndex: 0xffffffff }),
    fakeTx({ txid: 2, values: [100_000, 200_000] }),
    fakeTx({ txid: 3, spends: [2], values: [300_000, 400_000] }), // spends tx 2: out
  ]);
  const b2 = fakeBlock(2000, [
    fakeTx({ txid: 4, spends: [0], prevIndex: 0xffffffff }),
    fakeTx({ txid: 5, spends: [3], values: [500_000, 600_000] }), // spends tx 3 of the previous block: out
    fakeTx({ txid: 6, spends: [77], values: [700_000, 800_000] }), // outside the window: kept
  ]);
  const summaries = [summarizeBlock(b1, 100), summarizeBlock(b2, 101)];

  it('gives the same outputs fed one block at a time as the whole window at once', () => {
    const acc = new WindowAccumulator();
    for (const s of summaries) acc.addResolvable(memoryBlock(s));
    const streamed = acc.outputs();
    const whole = windowOutputs(summaries);
    expect(Array.from(streamed.amounts)).toEqual(Array.from(whole.amounts));
    expect(Array.from(streamed.amounts)).toEqual([0.001, 0.002, 0.007, 0.008]);
    expect(Array.from(streamed.heights)).toEqual([100, 100, 101, 101]);
    expect(streamed.txCount).toBe(6);
    expect(acc.first).toEqual({ height: 100, time: 1000 });
    expect(acc.lastBlock).toEqual({ height: 101, time: 2000 });
  });

  it('a cache entry and an in-memory summary are the same block to it, and what it resolves is handed back', () => {
    const fromMemory = new WindowAccumulator();
    const fromCache = new WindowAccumulator<Entry>();
    for (const s of summaries) {
      fromMemory.addResolvable(memoryBlock(s));
      fromCache.addResolvable(decodeEntry(encodeSummary(s)));
    }
    expect(Array.from(fromCache.outputs().amounts)).toEqual(Array.from(fromMemory.outputs().amounts));
    // Both blocks were unresolved; the funding comes back for the cache layer to write, the entries untouched.
    const back = fromCache.resolved();
    expect(back.map((r) => [r.block.height, r.funding.resolvedFrom, Array.from(r.funding.perCandidate)])).toEqual([
      [100, 100, [-1, 100]],
      [101, 100, [100, -1]],
    ]);
    expect(back.map((r) => r.block.resolvedFrom)).toEqual([101, 102]);
  });

  it('refuses a gap between blocks', () => {
    const acc = new WindowAccumulator();
    acc.addResolvable(memoryBlock(summaries[0]!));
    expect(() => acc.addResolvable(memoryBlock({ ...summaries[1]!, height: 105 }))).toThrow(DataError);
  });

  it('grows past its initial capacity without losing txids, and tells colliding keys apart', () => {
    // 5,001 distinct txids (more than the initial 4,096-id blob); the last transaction spends the first.
    const n = 5001;
    const id = (i: number) => createHash('sha256').update(`tx${i}`).digest();
    const txids = new Uint8Array(32 * n);
    for (let i = 0; i < n; i++) txids.set(id(i), 32 * i);
    // A foreign input equal to txid 3 in its first 30 bits but not in the rest: not a same-day spend.
    const lookalike = Uint8Array.from(id(3));
    lookalike[31] = lookalike[31]! ^ 0xff;
    const candidates: Candidate[] = [
      { txIndex: 1, inputTxids: Uint8Array.from(lookalike), amounts: [0.001] },
      { txIndex: n - 1, inputTxids: Uint8Array.from(id(2)), amounts: [0.002] },
    ];
    const acc = new WindowAccumulator();
    acc.addResolvable(memoryBlock({ height: 1, hash: '00'.repeat(32), time: 1, txids, candidates }));
    const out = acc.outputs();
    expect(out.txCount).toBe(n);
    expect(Array.from(out.amounts)).toEqual([0.001]);
  });
});
