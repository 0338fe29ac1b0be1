import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WindowAccumulator } from '../../src/oracle/windowAccumulator.js';
import { decodeAmounts, decodeEntry, encodeSummary, withFunding, type Entry } from '../../src/summary/codec.js';
import { decodeHeader } from '../../src/summary/entryHeader.js';
import { memoryBlock } from '../../src/summary/memoryBlock.js';
import type { BlockSummary, Candidate } from '../../src/summary/types.js';
import { prng } from '../chain/craft.js';

const txidOf = (tag: string): Uint8Array => createHash('sha256').update(tag).digest();

/**
 * A chain of summaries whose candidates spend, at random: earlier blocks, earlier and LATER
 * transactions of their own block, themselves, later blocks, and txids from nowhere. Some txids
 * repeat (as pre-BIP34 coinbases did) and some share their first 30 bits with another.
 */
function chain(seed: number, blocks: number, base = 500): BlockSummary[] {
  const r = prng(seed); // seeded, so a failure names a seed that reproduces it
  const all: Uint8Array[][] = [];
  for (let b = 0; b < blocks; b++) {
    const n = 3 + Math.floor(r() * 12);
    all.push(
      Array.from({ length: n }, (_, j) =>
        b > 2 && r() < 0.03 ? all[Math.floor(r() * b)]![0]! : txidOf(`${seed}/${b}/${j}`),
      ),
    );
  }
  let amount = 1;
  return all.map((ids, b) => {
    const candidates: Candidate[] = [];
    for (let j = 1; j < ids.length; j++) {
      if (r() < 0.3) continue;
      const inputs = 1 + Math.floor(r() * 5);
      const inputTxids = new Uint8Array(32 * inputs);
      for (let k = 0; k < inputs; k++) {
        const pick = r();
        let t: Uint8Array;
        if (pick < 0.35) t = txidOf(`outside/${seed}/${b}/${j}/${k}`);
        else if (pick < 0.7) {
          const list = all[Math.floor(r() * (b + 1))]!; // an earlier block of the chain (or this one)
          t = list[Math.floor(r() * list.length)]!;
        } else if (pick < 0.77)
          t = ids[Math.floor(r() * ids.length)]!; // own block, earlier or later
        else if (pick < 0.8)
          t = ids[j]!; // itself: its txid joins the set before its check
        else if (pick < 0.9)
          t = all[Math.min(blocks - 1, b + 1 + Math.floor(r() * 3))]![0]!; // a later block
        else {
          // Same first 30 bits as a window txid, different after: must not count.
          t = Uint8Array.from(all[Math.floor(r() * (b + 1))]![0]!);
          t[31] = t[31]! ^ 0x5a;
        }
        inputTxids.set(t, 32 * k);
      }
      const amounts = r() < 0.5 ? [amount++ / 1000] : [amount++ / 1000, amount++ / 1000];
      candidates.push({ txIndex: j, inputTxids, amounts });
    }
    const txids = new Uint8Array(32 * ids.length);
    ids.forEach((t, j) => txids.set(t, 32 * j));
    return {
      height: base + b,
      hash: createHash('sha256').update(`block ${seed} ${b}`).digest('hex'),
      time: 1_700_000_000 + 600 * b,
      txids,
      candidates,
    };
  });
}

/** oracle.md §2 read literally: a set of txids seen so far (each joins before its own check). */
function naive(window: readonly BlockSummary[]): number[] {
  const seen = new Set<string>();
  const kept: number[] = [];
  for (const s of window) {
    const byIndex = new Map(s.candidates.map((c) => [c.txIndex, c]));
    for (let j = 0; j < s.txids.length / 32; j++) {
      seen.add(Buffer.from(s.txids.subarray(32 * j, 32 * j + 32)).toString('hex'));
      const c = byIndex.get(j);
      if (!c) continue;
      let same = false;
      for (let o = 0; o < c.inputTxids.length; o += 32)
        same ||= seen.has(Buffer.from(c.inputTxids.subarray(o, o + 32)).toString('hex'));
      if (!same) kept.push(...c.amounts);
    }
  }
  return kept;
}

type Cache = Map<number, Uint8Array>;

/** What the job's cache gives for a block's txids (keys, then single txids), counting key reads. */
function readerOf(s: BlockSummary, onRead = () => {}) {
  const view = new DataView(s.txids.buffer, s.txids.byteOffset, s.txids.byteLength);
  return {
    keys: () => (onRead(), Uint32Array.from({ length: s.txids.length / 32 }, (_, j) => view.getUint32(32 * j, true))),
    txid: (j: number) => s.txids.subarray(32 * j, 32 * j + 32),
  };
}

/** One run over window [from, to]: cached entries where they cover the window, as the job reads them. */
function run(all: readonly BlockSummary[], from: number, to: number, cache: Cache): number[] {
  const acc = new WindowAccumulator<Entry>();
  for (let i = from; i <= to; i++) {
    const hit = cache.get(i);
    const entry = decodeEntry((hit ?? encodeSummary(all[i]!)).slice());
    if (acc.covers(entry.resolvedFrom, entry.height)) acc.add({ ...decodeAmounts(hit!.slice()), ...readerOf(all[i]!) });
    else acc.addResolvable(entry);
  }
  const out = Array.from(acc.outputs().amounts);
  for (const r of acc.resolved()) cache.set(r.block.height - all[0]!.height, withFunding(r.block, r.funding).slice());
  return out;
}

describe('funding heights: the same-day rule resolved once per block', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'equals the literal rule for sliding, shrinking and widening windows (seed %i)',
    (seed) => {
      const all = chain(seed, 40);
      const cache: Cache = new Map();
      const width = 12;
      // Sliding like cron: a cold window, then one block more at each run.
      for (let start = 0; start + width <= 30; start++) {
        expect(run(all, start, start + width - 1, cache), `window ${start}+${width}`).toEqual(
          naive(all.slice(start, start + width)),
        );
      }
      // A wider window starting earlier than what the cache resolved (a long day in date mode).
      expect(run(all, 2, 35, cache)).toEqual(naive(all.slice(2, 36)));
      // Narrower windows inside what is resolved, and a window of one block.
      expect(run(all, 20, 25, cache)).toEqual(naive(all.slice(20, 26)));
      expect(run(all, 33, 33, cache)).toEqual(naive(all.slice(33, 34)));
      expect(run(all, 0, 39, new Map())).toEqual(naive(all));
    },
  );

  it('a cached block resolved from later than the window start is resolved again, not trusted', () => {
    const all = chain(11, 10);
    const cache: Cache = new Map();
    run(all, 5, 9, cache); // resolves blocks 5..9 from 505
    const acc = new WindowAccumulator();
    acc.addResolvable(memoryBlock(all[4]!));
    expect(acc.covers(decodeHeader(cache.get(5)!).resolvedFrom, 505)).toBe(false);
    expect(() => acc.add({ ...decodeAmounts(cache.get(5)!.slice()), ...readerOf(all[5]!) })).toThrow(
      /resolved from 505, after the window's start 504/,
    );
  });

  it('reads the txids of a covered block only when a later block needs resolving', () => {
    const all = chain(12, 6);
    const cache: Cache = new Map();
    run(all, 0, 4, cache);
    let reads = 0;
    const acc = new WindowAccumulator();
    for (let i = 1; i <= 4; i++)
      acc.add({ ...decodeAmounts(cache.get(i)!.slice()), ...readerOf(all[i]!, () => reads++) });
    acc.outputs();
    expect(reads).toBe(0);
    const acc2 = new WindowAccumulator();
    for (let i = 1; i <= 4; i++)
      acc2.add({ ...decodeAmounts(cache.get(i)!.slice()), ...readerOf(all[i]!, () => reads++) });
    acc2.addResolvable(memoryBlock(all[5]!));
    expect(Array.from(acc2.outputs().amounts)).toEqual(naive(all.slice(1, 6)));
    expect(reads).toBe(4);
    expect(acc2.resolved().map((r) => [r.block.height, r.funding.resolvedFrom])).toEqual([[505, 501]]);
  });
});
