// scanBlock must give exactly what summarizeBlock(parseBlock(bytes)) gives, and refuse exactly
// what parseBlock refuses: on real mainnet blocks, on every block of a synthetic day (all the
// transaction kinds the oracle must skip), and on thousands of damaged blocks.
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../../src/chain/block.js';
import { scanBlock } from '../../src/summary/scanBlock.js';
import { DataError } from '../../src/errors.js';
import { summarizeBlock } from '../../src/summary/summarizeBlock.js';
import { encodeSummary } from '../../src/summary/codec.js';
import { generateChain } from '../fakes/chain/index.js';
import { craftTx, prng, u32, varint, type CraftInput, type CraftTx } from '../chain/craft.js';
import { merkleRoot } from '../../src/chain/merkle.js';
import { parseTransaction } from '../../src/chain/tx.js';
import { realBlocks } from '../chain/realBlocks.js';

const viaParse = (bytes: Uint8Array, height: number) => encodeSummary(summarizeBlock(parseBlock(bytes), height));
const viaScan = (bytes: Uint8Array, height: number) => encodeSummary(scanBlock(bytes, height));

type Outcome = { ok: Uint8Array } | { error: string };
function outcome(f: () => Uint8Array): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof DataError) return { error: 'DataError' };
    throw e;
  }
}

describe('scanBlock: one pass from raw block to summary', () => {
  it('equals parseBlock + summarizeBlock on every real mainnet block', () => {
    for (const b of realBlocks()) {
      expect(
        Buffer.from(viaScan(b.bytes, b.height)).equals(Buffer.from(viaParse(b.bytes, b.height))),
        `block ${b.height}`,
      ).toBe(true);
    }
  });

  it('equals parseBlock + summarizeBlock on every block of a synthetic day', () => {
    const chain = generateChain({ seed: 77, date: '2025-02-02', price: 98_000, scale: 'small' });
    let candidates = 0;
    for (const b of chain.blocks) {
      const want = summarizeBlock(parseBlock(b.bytes), b.height);
      candidates += want.candidates.length;
      expect(
        Buffer.from(viaScan(b.bytes, b.height)).equals(Buffer.from(encodeSummary(want))),
        `block ${b.height}`,
      ).toBe(true);
    }
    expect(candidates).toBeGreaterThan(1000); // the day really exercises the filters
  });

  it('accepts and refuses the same damaged blocks, and agrees on what it accepts', () => {
    const rand = prng(4242);
    const int = (n: number) => Math.floor(rand() * n);
    let refused = 0;
    for (const b of realBlocks()) {
      const rounds = b.bytes.length > 200_000 ? 60 : 400;
      for (let i = 0; i < rounds; i++) {
        const m = b.bytes.slice(0, int(5) === 0 ? int(b.bytes.length) : b.bytes.length);
        for (let k = 0, n = 1 + int(3); k < n && m.length > 0; k++) m[int(m.length)] = int(5) === 0 ? 0xfd : int(256);
        const a = outcome(() => viaParse(m, b.height));
        const s = outcome(() => viaScan(m, b.height));
        if ('error' in a) refused++;
        expect('error' in s, `block ${b.height} mutation ${i}`).toBe('error' in a);
        if ('ok' in a && 'ok' in s) expect(Buffer.from(s.ok).equals(Buffer.from(a.ok))).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('agrees on crafted edge cases of the filters (1-byte OP_RETURN, empty scripts, 5 and 6 inputs, dust, null prevouts)', () => {
    const ins = (n: number, null0 = false): CraftInput[] =>
      Array.from({ length: n }, (_, k) => ({
        prev: new Array(32).fill(null0 && k === 1 ? 0 : 9 + k),
        index: null0 && k === 1 ? 0xffffffff : k,
      }));
    const txs: CraftTx[] = [
      {
        inputs: [{ prev: new Array(32).fill(0), index: 0xffffffff, script: [3, 1, 2, 3] }],
        outputs: [{ value: 625_000_000n }],
      },
      { inputs: ins(1), outputs: [{ value: 150_000n, script: [0x6a] }, { value: 2_000_000n }] },
      {
        inputs: ins(1),
        outputs: [
          { value: 150_000n, script: [] },
          { value: 2_000_000n, script: [] },
        ],
      },
      { inputs: ins(5), outputs: [{ value: 150_001n }, { value: 1_000n }] },
      { inputs: ins(6), outputs: [{ value: 150_002n }, { value: 2_000_000n }] },
      { inputs: ins(2, true), outputs: [{ value: 150_003n }, { value: 2_000_000n }] },
      { inputs: ins(1), outputs: [{ value: 1_000n }, { value: 10_000_000_000_000n }] },
      { inputs: ins(1), outputs: [{ value: 150_004n }, { value: 1n }, { value: 2n }] },
    ];
    const raw = txs.map(craftTx);
    const root = merkleRoot(raw.map((t) => parseTransaction(t).txidLE));
    const header = new Uint8Array(80);
    header.set(u32(0x20000000), 0);
    header.set(root, 36);
    header.set(u32(1_700_000_000), 68);
    const block = Uint8Array.from([...header, ...varint(raw.length), ...raw.flatMap((t) => [...t])]);
    const want = summarizeBlock(parseBlock(block), 800_000);
    expect(want.candidates.map((c) => c.txIndex)).toEqual([2, 3]);
    expect(Buffer.from(viaScan(block, 800_000)).equals(Buffer.from(encodeSummary(want)))).toBe(true);
  });

  it('a Buffer, a view at an offset and a plain array all scan the same', () => {
    const b = realBlocks().find((x) => x.height === 542213)!;
    const shifted = new Uint8Array(b.bytes.length + 5);
    shifted.set(b.bytes, 5);
    const want = viaParse(b.bytes, b.height);
    for (const input of [Buffer.from(b.bytes), shifted.subarray(5), Uint8Array.from(b.bytes)])
      expect(Buffer.from(viaScan(input, b.height)).equals(Buffer.from(want))).toBe(true);
  });

  it('refuses a bad height', () => {
    const b = realBlocks()[0]!;
    expect(() => scanBlock(b.bytes, -1)).toThrow(/height/);
  });
});
