// The generator itself: deterministic, real consensus bytes (checked with the project's parser),
// linked headers, the day covered with margins, the midnight quirks, append and reorg.
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../../../src/chain/block.js';
import { generateChain, type ChainOptions } from './index.js';

const base: ChainOptions = {
  seed: 11,
  date: '2024-03-10',
  price: 70_000,
  marginBeforeBlocks: 20,
  marginAfterBlocks: 12,
};

describe('generateChain', () => {
  const chain = generateChain(base);

  it('is deterministic for a seed and differs for another', () => {
    const again = generateChain(base);
    expect(again.blocks.map((b) => b.hash)).toEqual(chain.blocks.map((b) => b.hash));
    expect(generateChain({ ...base, seed: 12 }).tip.hash).not.toBe(chain.tip.hash);
  });

  it('writes blocks the parser accepts, with merkle roots, BIP34 heights and linked headers', () => {
    chain.blocks.forEach((b, i) => {
      const parsed = parseBlock(b.bytes); // verifies the merkle root by default
      expect(parsed.header.hash).toBe(b.hash);
      expect(parsed.header.time).toBe(b.time);
      expect(parsed.txs.length).toBe(b.txCount);
      expect(parsed.txs[0]!.isCoinbase).toBe(true);
      if (i > 0) expect(parsed.header.prevHash).toBe(chain.blocks[i - 1]!.hash);
    });
  });

  it('mixes segwit and legacy, and includes each kind the oracle must ignore', () => {
    const txs = chain.blocks.slice(0, 30).flatMap((b) => parseBlock(b.bytes).txs.slice(1));
    const has = (f: (t: (typeof txs)[number]) => boolean): number => txs.filter(f).length;
    expect(has((t) => t.segwit)).toBeGreaterThan(0);
    expect(has((t) => !t.segwit)).toBeGreaterThan(0);
    expect(has((t) => t.inputs.length > 5 && t.outputs.length === 2)).toBeGreaterThan(0);
    expect(has((t) => t.outputs.length > 2)).toBeGreaterThan(0);
    expect(has((t) => t.outputs.some((o) => o.script[0] === 0x6a))).toBeGreaterThan(0);
    expect(has((t) => t.inputs.some((i) => i.witness.some((w) => w.length > 500)))).toBeGreaterThan(0);
    expect(
      has((t) =>
        t.inputs.some(
          (i) => i.witness.every((w) => w.length <= 500) && i.witness.reduce((s, w) => s + w.length, 0) > 500,
        ),
      ),
    ).toBeGreaterThan(0);
    const txids = new Set(chain.blocks.slice(0, 30).flatMap((b) => parseBlock(b.bytes).txs.map((t) => t.txid)));
    expect(has((t) => t.inputs.some((i) => txids.has(i.prevTxid)))).toBeGreaterThan(0);
  });

  it('covers the day with margins so tip-6 is past the next midnight', () => {
    const before = chain.blocks.filter((b) => b.time < chain.dayStart).length;
    const after = chain.blocks.filter((b) => b.time >= chain.dayEnd).length;
    expect(before).toBeGreaterThanOrEqual(19);
    expect(after).toBe(12);
    expect(chain.byHeight(chain.tip.height - 6)!.time).toBeGreaterThanOrEqual(chain.dayEnd);
  });

  it.each([
    { quirk: { midnightExact: true }, check: (times: number[], m: number) => times.includes(m) },
    {
      quirk: { outOfOrderAtMidnight: true },
      check: (times: number[], m: number) => times.some((t, i) => i > 0 && times[i - 1]! >= m && t < m),
    },
  ])('applies $quirk at both midnights', ({ quirk, check }) => {
    const c = generateChain({ ...base, timeQuirks: quirk });
    const times = c.blocks.map((b) => b.time);
    expect(check(times, c.dayStart)).toBe(true);
    expect(check(times, c.dayEnd)).toBe(true);
  });

  it('appends linked blocks and reorgs the tip to a competing branch', () => {
    const c = generateChain(base);
    const tip = c.tip;
    const [added] = c.append(1);
    expect(added!.prevHash).toBe(tip.hash);
    expect(parseBlock(added!.bytes).header.prevHash).toBe(tip.hash);
    const old = c.reorg(2);
    expect(old.map((b) => b.height)).toEqual([tip.height, tip.height + 1]);
    expect(c.byHeight(tip.height)!.hash).not.toBe(tip.hash);
    expect(c.byHash(tip.hash)).toBeUndefined();
    expect(c.byHeight(tip.height)!.prevHash).toBe(c.byHeight(tip.height - 1)!.hash);
  });

  it.each([
    { opts: { date: '2024-02-30' }, error: /no such date/ },
    { opts: { date: '10/03/2024' }, error: /YYYY-MM-DD/ },
  ])('rejects $opts', ({ opts, error }) => {
    expect(() => generateChain({ ...base, ...opts })).toThrow(error);
  });
  it('rejects a reorg deeper than the chain', () => {
    expect(() => generateChain(base).reorg(10_000)).toThrow(/reorg depth/);
  });
});
