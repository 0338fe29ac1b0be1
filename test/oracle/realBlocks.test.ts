import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../../src/chain/block.js';
import { DataError } from '../../src/errors.js';
import { finalPrice } from '../../src/oracle/centralPrice.js';
import { buildHistogram } from '../../src/oracle/histogram.js';
import { intradayPoints } from '../../src/oracle/intraday.js';
import { windowOutputs } from '../../src/oracle/windowAccumulator.js';
import { summarizeBlock } from '../../src/summary/summarizeBlock.js';
import type { BlockSummary } from '../../src/summary/types.js';
import { computePrice } from '../../src/oracle/price.js';
import { roughPrice } from '../../src/oracle/roughPrice.js';
import { decodeSummary, encodeSummary } from '../../src/summary/codec.js';
import { fixturePath } from '../helpers/paths.js';

const dir = fixturePath('blocks');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.startsWith('mainnet_') && f.endsWith('.raw'))
  .sort();
const summaries = new Map<number, BlockSummary>(
  files.map((f) => {
    const height = Number(f.split('_')[1]);
    return [height, summarizeBlock(parseBlock(fs.readFileSync(`${dir}/${f}`)), height)];
  }),
);

/** sha256 of doubles packed little-endian, as Python's struct.pack('<%dd'). */
const sha = (xs: ArrayLike<number>): string =>
  createHash('sha256')
    .update(new Uint8Array(Float64Array.from(xs).buffer))
    .digest('hex');

// Expected figures from CPython running the reference's own lines 621-1371 of UTXOracle.py v9.1
// (steps 5-11: block loop, histogram, stencils, rough price, points, central price) on the same
// raw block files, its Ask_Node replaced by a file read. Arrays are compared by the sha256 of
// their doubles. A single block is not a day, so old blocks give meaningless prices; the point
// is that every step agrees with the reference to the last bit on real transactions.
const REF: Record<
  string,
  {
    heights: number[];
    outputCount: number;
    amounts: string;
    histogram: string;
    bestSlide: number;
    rough: number;
    pointCount: number;
    points: string;
    price: number;
    dev: number;
    devPct: number;
    axRange: number;
  }
> = {
  'block 702861 (2021-09-30)': {
    heights: [702861],
    outputCount: 3315,
    amounts: '0a6b9cfab7258791b4b2237d1cdbd3be4e95dff21c07df542fcb97cbc6611b96',
    histogram: '7a4e88d23952de0bd0bb341ee73c694af001485a8094672c590f38a280c8a534',
    bestSlide: 74,
    rough: 42880,
    pointCount: 2965,
    points: '451c6cb8ff20b37dec61b7f7c6507c05bb8e57034e7421399a3aeb0a74847f98',
    price: 42951.63645734903,
    dev: 864.9268931021943,
    devPct: 0.10068613962602646,
    axRange: 0.05,
  },
  'block 627714 (2020-04-26)': {
    heights: [627714],
    outputCount: 2844,
    amounts: '51698ab04b4ccf5b7d86ab5928e57acf29654793dd3d73c9ecec3bc88de11fa9',
    histogram: '98c43fc8be8754ab171f30f1774a364339f31ab4acc3d97f21f691c028bc8400',
    bestSlide: 144,
    rough: 19173,
    pointCount: 2100,
    points: 'f6478e87b09a37dcba8caea917687eea50be85592924807dec1a4be318a10566',
    price: 19177.11020126377,
    dev: 881.703579440662,
    devPct: 0.22988437000861503,
    axRange: 0.2,
  },
  'block 413567 (2016, pre-segwit)': {
    heights: [413567],
    outputCount: 1911,
    amounts: '3b33b656518032ec23e5d76a340eb8f238a245948ea591bfeb77516ea521c14c',
    histogram: 'f078dcbcae0a9f2e33f9005600bec4d3cb3f316289c2d2e97c61e889c46d501f',
    bestSlide: 129,
    rough: 22545,
    pointCount: 890,
    points: '0a5895170ef84a50ff0ecd44c07d718b93894ddb5fa53f70c47faddb3c82df90',
    price: 22602.956466705848,
    dev: 647.1780103011333,
    devPct: 0.14316224765871377,
    axRange: 0.05,
  },
  'all five blocks as one window, in height order': {
    heights: [413567, 542213, 600000, 627714, 702861],
    outputCount: 9289,
    amounts: 'f84dd63b05cc71f0b1e66b79a0c49a86d733771ce0e8eca1d6e588a40e6dfe6d',
    histogram: '7b505afe05595b71ee4a4b974509d090161d8a242ac72f3ad7b7508b8d8c0b3d',
    bestSlide: 74,
    rough: 42916,
    pointCount: 6165,
    points: 'c84ddefc663e0d25a9af197d52cbaa099689d0c885f4e3c19161469d63d7d95f',
    price: 42952.00542913349,
    dev: 1755.1686110982846,
    devPct: 0.20431742284934015,
    axRange: 0.16439140949780046,
  },
};

describe('real mainnet blocks: every step equals the reference run by CPython', () => {
  it.each(Object.entries(REF))('%s', (_name, ref) => {
    const out = windowOutputs(ref.heights.map((h) => summaries.get(h)!));
    expect(out.amounts.length).toBe(ref.outputCount);
    expect(sha(out.amounts)).toBe(ref.amounts);
    const hist = buildHistogram(out.amounts);
    expect(sha(hist)).toBe(ref.histogram);
    const rough = roughPrice(hist);
    expect([rough.bestSlide, rough.price]).toEqual([ref.bestSlide, ref.rough]);
    const pts = intradayPoints(out, rough.price);
    expect(pts.prices.length).toBe(ref.pointCount);
    expect(sha(pts.prices)).toBe(ref.points);
    const fin = finalPrice(pts.prices, rough.price);
    expect([fin.price, fin.dev, fin.devPct, fin.axRange]).toEqual([ref.price, ref.dev, ref.devPct, ref.axRange]);
  });

  it('computePrice on one real block (a one-block window) gives the same price', () => {
    const r = computePrice([summaries.get(702861)!]);
    expect(r.price).toBe(REF['block 702861 (2021-09-30)']!.price);
    expect(r).toMatchObject({
      roughPrice: 42880,
      firstHeight: 702861,
      lastHeight: 702861,
      txCount: 2500,
      outputCount: 3315,
      pointCount: 2965,
    });
    expect(r.points.prices).toHaveLength(2965);
    expect(r.points.heights[0]).toBe(702861);
    expect(r.points.times[0]).toBe(summaries.get(702861)!.time);
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
  });

  it('the 4-transaction block alone cannot be priced (the reference fails with an empty min())', () => {
    expect(() => computePrice([summaries.get(542213)!])).toThrow(DataError);
  });

  it('summaries of real blocks round-trip through the codec', () => {
    for (const s of summaries.values()) {
      const bytes = encodeSummary(s);
      const { summary: back, funding } = decodeSummary(bytes);
      expect(funding.resolvedFrom).toBe(s.height + 1);
      expect(Buffer.from(encodeSummary(back, funding)).equals(Buffer.from(bytes))).toBe(true);
      expect([back.height, back.hash, back.time, back.candidates.length]).toEqual([
        s.height,
        s.hash,
        s.time,
        s.candidates.length,
      ]);
      expect(Buffer.from(back.txids).equals(Buffer.from(s.txids))).toBe(true);
      expect(sha(windowOutputs([back]).amounts)).toBe(sha(windowOutputs([s]).amounts));
    }
  });

  it('computePrice refuses gaps and empty input', () => {
    expect(() => computePrice([summaries.get(600000)!, summaries.get(702861)!])).toThrow(/consecutive/);
    expect(() => computePrice([])).toThrow(DataError);
  });
});
