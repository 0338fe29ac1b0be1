// The two layout readers, native (native/layout.c) and TypeScript (layout.ts), on the same bytes:
// the same decision (lays out or not) and, when they lay out, the same numbers in every array, on
// real blocks, synthetic days, and blocks damaged every way a byte flip, a cut or a forged count
// can damage them. A defect is always named by the TypeScript reader, so messages are one source.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layoutNumbers } from '../../src/chain/selfTest.js';
import { readBlockLayout } from '../../src/chain/layout.js';
import { nativeHasher } from '../../src/chain/nativeHash.js';
import { generateChain } from '../fakes/chain/index.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { prng } from './craft.js';
import { realBlocks } from './realBlocks.js';

const built = fs.existsSync(`${REPO_ROOT}/native/build/blockhash.node`) && nativeHasher()?.layoutTxs !== undefined;

/** The layout as plain numbers (the arrays are scratch: copied at once), or the error's message. */
function read(bytes: Uint8Array, typescript: boolean): unknown {
  try {
    return layoutNumbers(readBlockLayout(bytes, { typescript }));
  } catch (err) {
    return (err as Error).message;
  }
}

/** Whether the native reader alone accepts the transactions after the header and tx count. */
function nativeAccepts(bytes: Uint8Array): boolean | undefined {
  const txCountAt = 80;
  const first = bytes[txCountAt];
  if (first === undefined || first >= 0xfd) return undefined; // the fixtures' counts fit one byte or are read below
  const big = (n: number) => new Int32Array(n);
  const left = bytes.length;
  return nativeHasher()!.layoutTxs!(
    bytes,
    txCountAt + 1,
    first,
    big(4 * first),
    big(first + 1),
    big(first + 1),
    big(left),
    big(left),
    big(left),
    big(left),
    new Float64Array(left),
    big(left),
    big(left),
    new Int32Array(2),
  );
}

describe.runIf(built)('native block layout', () => {
  const synthetic = generateChain({ seed: 8, date: '2025-03-03', price: 84_000, scale: 'small' });
  const blocks = [...realBlocks().map((b) => b.bytes), ...synthetic.blocks.map((b) => b.bytes)];

  it('lays out every real and synthetic block as the TypeScript reader does', () => {
    for (const [i, b] of blocks.entries()) {
      const ts = read(b, true);
      expect(typeof ts, `block ${i}: ${String(ts)}`).toBe('object');
      expect(read(b, false), `block ${i}`).toEqual(ts);
    }
  });

  it('refuses what the TypeScript reader refuses: a long-form length, a value past MAX_MONEY, a bad segwit flag, a count that cannot fit', () => {
    const block = synthetic.blocks.find((b) => readBlockLayout(b.bytes).anySegwit)!.bytes;
    const l = readBlockLayout(block, { typescript: true });
    const tx = Array.from({ length: l.txCount }, (_, i) => i).find(
      (i) => l.ranges[4 * i + 1] === l.ranges[4 * i]! + 6,
    )!;
    const out = l.firstOutput[tx]!;
    const scriptAt = l.scriptAt[out]!;
    const scriptLen = l.scriptLen[out]!;
    const start = l.ranges[4 * tx]!;
    const inputsAt = l.ranges[4 * tx + 1]!;
    const splice = (at: number, remove: number, insert: number[]) =>
      Uint8Array.from([...block.subarray(0, at), ...insert, ...block.subarray(at + remove)]);
    const cases: [string, Uint8Array][] = [
      ['a script length in long form', splice(scriptAt - 1, 1, [0xfd, scriptLen, 0])],
      ['a value one satoshi past MAX_MONEY', splice(scriptAt - 9, 8, [0x01, 0x40, 0x07, 0x5a, 0xf0, 0x75, 0x07, 0x00])],
      ['a value with the sign bit set', splice(scriptAt - 2, 1, [0x80])],
      ['segwit flag 0x02', splice(start + 5, 1, [0x02])],
      ['an input count that cannot fit', splice(inputsAt, 1, [0xfe, 0xff, 0xff, 0xff, 0x00])],
    ];
    for (const [what, bytes] of cases) {
      const ts = read(bytes, true);
      expect(typeof ts, what).toBe('string');
      expect(read(bytes, false), what).toBe(ts);
      if (nativeAccepts(bytes) !== undefined) expect(nativeAccepts(bytes), what).toBe(false);
    }
  });

  it('decides and lays out damaged blocks as the TypeScript reader does', () => {
    const rnd = prng(77);
    const int = (n: number) => Math.floor(rnd() * n);
    let laidOut = 0;
    let refused = 0;
    let compared = 0;
    for (const b of blocks.slice(0, 60)) {
      for (let round = 0; round < (b.length > 200_000 ? 15 : 120); round++) {
        const m = b.slice();
        const kind = round % 4;
        if (kind === 0) for (let k = 0, n = 1 + int(3); k < n; k++) m[int(m.length)] = int(256);
        else if (kind === 1) m[81 + int(Math.min(400, m.length - 81))] = [0x00, 0x01, 0xfd, 0xfe, 0xff][int(5)]!;
        else if (kind === 2) m.fill(0xff, 81 + int(m.length - 90), m.length);
        const bytes = kind === 3 ? m.subarray(0, 81 + int(m.length - 81)) : m;
        const ts = read(bytes, true);
        expect(read(bytes, false), `round ${round}`).toEqual(ts);
        if (typeof ts === 'object') laidOut++;
        else refused++;
        // The native reader's own decision, where the tx count is one byte: the same as the TypeScript reader's.
        const alone = nativeAccepts(bytes);
        if (alone !== undefined && bytes.length > 81) {
          compared++;
          const tsAlone = typeof ts === 'object' || (typeof ts === 'string' && /trailing|after the last/.test(ts));
          expect(alone, `round ${round}: ${typeof ts === 'string' ? ts : 'laid out'}`).toBe(tsAlone);
        }
      }
    }
    expect(laidOut).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
    expect(compared).toBeGreaterThan(100);
  });
});
