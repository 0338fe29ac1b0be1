// Seeded random damage to real blocks: whatever happens, only DataError may escape, and every parse
// returns (a hang would trip the test timeout). Counts are fixed so the run time stays bounded.
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../../src/chain/block.js';
import { parseTransaction } from '../../src/chain/tx.js';
import { DataError } from '../../src/errors.js';
import { prng } from './craft.js';
import { realBlock } from './realBlocks.js';

type Rand = () => number;
const int = (rand: Rand, n: number) => Math.floor(rand() * n);

// Varint prefixes and boundary bytes are where parsers go wrong, so mutations favour them.
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff];

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function mutate(src: Uint8Array, rand: Rand, focus: [number, number]): Uint8Array {
  const at = focus[0] + int(rand, focus[1] - focus[0]);
  switch (int(rand, 6)) {
    case 0: {
      const b = src.slice();
      b[at]! ^= 1 << int(rand, 8);
      return b;
    }
    case 1: {
      const b = src.slice();
      b[at] = INTERESTING[int(rand, INTERESTING.length)]!;
      return b;
    }
    case 2: {
      const b = src.slice();
      for (let k = 0, n = 1 + int(rand, 8); k < n; k++) b[focus[0] + int(rand, focus[1] - focus[0])] = int(rand, 256);
      return b;
    }
    case 3: // insert a few bytes
      return concat(
        src.subarray(0, at),
        Array.from({ length: 1 + int(rand, 9) }, () => INTERESTING[int(rand, 8)]!),
        src.subarray(at),
      );
    case 4: // delete a range
      return concat(src.subarray(0, at), src.subarray(Math.min(src.length, at + 1 + int(rand, 16))));
    default:
      return src.subarray(0, at);
  }
}

function check(label: string, run: () => unknown): 'ok' | 'data-error' {
  try {
    run();
    return 'ok';
  } catch (e) {
    if (e instanceof DataError) return 'data-error';
    throw new Error(`${label}: escaped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

describe('fuzz', () => {
  it('3,000 mutations of block 542213: only DataError escapes', () => {
    const { bytes } = realBlock(542213);
    const rand = prng(0x5eed542);
    const outcomes = { ok: 0, 'data-error': 0 };
    for (let i = 0; i < 3000; i++) {
      const b = mutate(bytes, rand, [0, bytes.length]);
      outcomes[check(`mutation ${i}`, () => parseBlock(b))]++;
      // With the checks off the parser walks further into damaged bytes: still only DataError.
      outcomes[
        check(`mutation ${i} (unchecked)`, () => parseBlock(b, { verifyMerkle: false, verifyWitness: false }))
      ]++;
    }
    expect(outcomes['data-error']).toBeGreaterThan(3000);
  });

  it('3,000 mutations of single transactions: only DataError escapes', () => {
    const block = parseBlock(realBlock(542213).bytes);
    const { bytes } = realBlock(542213);
    let offset = 81;
    const raws = block.txs.map((t) => bytes.subarray(offset, (offset += t.size)));
    const rand = prng(0x7a5);
    const outcomes = { ok: 0, 'data-error': 0 };
    for (let i = 0; i < 3000; i++) {
      const raw = raws[i % raws.length]!;
      outcomes[check(`tx mutation ${i}`, () => parseTransaction(mutate(raw, rand, [0, raw.length])))]++;
    }
    // A parser that accepted every mutation would pass the loop above: most mutations must be refused
    // (truncations, extensions and flipped length bytes break a transaction's framing; flipped bytes
    // inside a script or an amount below MAX_MONEY do not).
    expect(outcomes['data-error']).toBeGreaterThan(1500);
    expect(outcomes.ok).toBeGreaterThan(0);
  });

  it('200 mutations of block 702861 (1.4 MB): only DataError escapes', () => {
    const { bytes } = realBlock(702861);
    const rand = prng(702861);
    for (let i = 0; i < 200; i++) {
      // Half near the start (header, coinbase, first txs), half anywhere.
      const focus: [number, number] = i % 2 === 0 ? [0, 4096] : [0, bytes.length];
      const b = mutate(bytes, rand, focus);
      check(`big mutation ${i}`, () => parseBlock(b, { verifyMerkle: i % 4 !== 1 }));
    }
  }, 20_000);
});
