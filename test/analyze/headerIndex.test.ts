// The run's header index: the date search runs on header times loaded in bulk, and lands on the
// reference's window (the CPython-made cases of the window's own tests) in a few loads instead of
// one request per height; a load that disagrees with what is held (a reorg) drops it; a node whose
// chain starts later is read from where it has blocks.
import { describe, expect, it } from 'vitest';
import { HeaderIndex } from '../../src/analyze/headerIndex.js';
import { SourceError } from '../../src/errors.js';
import { dateWindow } from '../../src/oracle/window.js';
import type { BlockRef, BlockSource } from '../../src/sources/types.js';
import { CASES, H0, timeOf } from '../oracle/windowCases.js';

/** A BlockSource of refs by height: getHeaderRefs as the node answers it, every call counted. */
function source(refAt: (h: number) => BlockRef | undefined, tip: number) {
  const loads: [number, number][] = [];
  const s: Partial<BlockSource> = {
    getTipHeight: () => Promise.resolve(tip),
    getHeaderRefs: (from, count) => {
      loads.push([from, count]);
      if (!refAt(from))
        return Promise.reject(
          new SourceError('Bitcoin Core RPC getblockhash failed: Block height out of range (code -8)', {
            service: 'bitcoind',
            code: -8,
          }),
        );
      const out: BlockRef[] = [];
      for (let h = from; h < from + count && h <= tip; h++) out.push(refAt(h)!);
      return Promise.resolve(out);
    },
  };
  return { src: s as BlockSource, loads };
}

const hashOf = (h: number, branch = 0) => `${branch.toString(16).padStart(4, '0')}${h.toString(16).padStart(60, '0')}`;

describe('HeaderIndex', () => {
  it.each(CASES)(
    '%s: the same window as the reference, in at most 2 loads',
    async (_n, tip, spacing, over, first, last) => {
      const { src, loads } = source(
        (h) =>
          h >= H0 && h <= H0 + 1000 ? { height: h, hash: hashOf(h), time: timeOf(h - H0, spacing, over) } : undefined,
        H0 + tip,
      );
      const index = new HeaderIndex(src);
      const w = await dateWindow('2024-01-10', H0 + tip, index.timeAt(H0 + tip));
      expect(w).toEqual({ firstHeight: H0 + first, lastHeight: H0 + last });
      // The window's refs come from the same loads.
      const refs = await index.range(w.firstHeight, w.lastHeight, H0 + tip);
      expect(refs.map((r) => r.time)).toEqual(
        Array.from({ length: last - first + 1 }, (_, i) => timeOf(first + i, spacing, over)),
      );
      // Up to two loads, one of them first refused below the table's first block (-8).
      expect(index.loads).toBeLessThanOrEqual(2);
      expect(loads.length).toBeLessThanOrEqual(3);
    },
  );

  it('loads around the height asked for, never past the tip, and overlaps what it holds by one height', async () => {
    const { src, loads } = source((h) => ({ height: h, hash: hashOf(h), time: 1_700_000_000 + h }), 5_000);
    const index = new HeaderIndex(src, 100);
    await index.ref(4_950, 5_000);
    expect(loads).toEqual([[4_850, 151]]);
    await index.ref(4_900, 5_000); // held
    await index.ref(4_700, 5_000); // 100 each side
    expect(loads[1]).toEqual([4_600, 201]);
    await index.ref(4_820, 5_000); // the gap, from one height into each neighbour
    expect(loads[2]).toEqual([4_800, 51]);
    expect(loads).toHaveLength(3);
    expect(index.size).toBe(401);
  });

  it('a load that disagrees with what is held (a reorg) drops the rest, so no window mixes two chains', async () => {
    let branch = 0;
    const { src } = source(
      (h) => ({ height: h, hash: hashOf(h, h >= 1_190 ? branch : 0), time: 1_700_000_000 + h }),
      1_300,
    );
    const index = new HeaderIndex(src, 100);
    expect((await index.ref(1_150, 1_300)).hash).toBe(hashOf(1_150));
    expect((await index.ref(1_195, 1_300)).hash).toBe(hashOf(1_195, 0));
    branch = 1; // heights from 1,190 are replaced
    // 1,251 is outside what is held: its load overlaps 1,250, which changed, so everything is dropped.
    await index.ref(1_280, 1_300);
    expect((await index.ref(1_195, 1_300)).hash).toBe(hashOf(1_195, 1));
  });

  it('a node whose chain starts later (-8 below its first block) is read from where it has blocks', async () => {
    const { src, loads } = source(
      (h) => (h >= 10_000 ? { height: h, hash: hashOf(h), time: 1_700_000_000 + h } : undefined),
      10_300,
    );
    const index = new HeaderIndex(src);
    expect((await index.ref(10_294, 10_300)).height).toBe(10_294);
    expect((await index.ref(10_150, 10_300)).height).toBe(10_150);
    expect((await index.ref(10_120, 10_300)).height).toBe(10_120); // held: the second load reached back 54
    expect(loads.length).toBe(4); // two loads, each refused once from the far start
    // Below its first block it is still the node's -8, for the date search to name.
    await expect(index.ref(9_990, 10_300)).rejects.toMatchObject({ details: { code: -8 } });
  });
});
