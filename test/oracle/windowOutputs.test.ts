import { describe, expect, it } from 'vitest';
import { windowOutputs } from '../../src/oracle/windowAccumulator.js';
import { summarizeBlock } from '../../src/summary/summarizeBlock.js';
import { fakeBlock, fakeTx } from './fakeTx.js';

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
