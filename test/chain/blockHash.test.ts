// The two hashing paths, native (native/blockhash.c, SHA-NI or portable C) and TypeScript, give
// identical bytes: txids, wtxids, both merkle roots and the mutation flag, on every real block, on
// every block of synthetic days, and on fuzzed and damaged blocks (anything the parser core lays
// out, whether or not it then passes the block checks).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashBlock, type BlockHashes } from '../../src/chain/blockHash.js';
import { fromDisplayHex } from '../../src/chain/hash.js';
import { readBlockLayout } from '../../src/chain/layout.js';
import { hashPath } from '../../src/chain/nativeHash.js';
import { generateChain } from '../fakes/chain/index.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { prng, varint } from './craft.js';
import { realBlocks } from './realBlocks.js';

const ADDON = path.join(REPO_ROOT, 'native', 'build', 'blockhash.node');
const built = fs.existsSync(ADDON);

/** Whether this machine could build the addon: a cc on PATH and Node's headers where build.mjs looks. */
function canBuild(): boolean {
  try {
    execFileSync(process.env.CC || 'cc', ['--version'], { stdio: 'ignore' });
  } catch {
    return false;
  }
  return ['/usr/include/node', path.resolve(process.execPath, '../../include/node')].some((d) =>
    fs.existsSync(path.join(d, 'node_api.h')),
  );
}

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);
const plain = (h: BlockHashes) => ({
  txids: hex(h.txids),
  wtxids: hex(h.wtxids),
  root: hex(h.merkleRoot),
  mutated: h.mutated,
  witnessRoot: hex(h.witnessRoot),
});

/** Both paths on one block's bytes; undefined when the parser core refuses the bytes. */
function both(bytes: Uint8Array): { native: ReturnType<typeof plain>; ts: ReturnType<typeof plain> } | undefined {
  let layout;
  try {
    layout = readBlockLayout(bytes);
  } catch {
    return undefined;
  }
  return {
    native: plain(hashBlock(layout, { wtxids: true })),
    ts: plain(hashBlock(layout, { wtxids: true, typescript: true })),
  };
}

function expectSame(bytes: Uint8Array, what: string): boolean {
  const r = both(bytes);
  if (r) expect(r.native, what).toEqual(r.ts);
  return r !== undefined;
}

describe('native block hashing', () => {
  const forcedOff = process.env.UTXORACLE_NATIVE_HASH === '0';
  it.skipIf(forcedOff || !canBuild())('is built and in use on a machine with a C compiler and Node headers', () => {
    expect(built, `npm ci should have built ${ADDON}`).toBe(true);
    expect(hashPath()).toEqual({ path: 'native', detail: expect.stringMatching(/^(sha-ni|portable)$/) });
  });
  if (forcedOff) it.skip('native hashing in use: skipped, UTXORACLE_NATIVE_HASH=0 for this run', () => undefined);
  else if (!canBuild()) it.skip('native hashing in use: skipped, no C compiler or Node headers here', () => undefined);

  describe.runIf(built)('equals the TypeScript path', () => {
    const synthetic = [
      generateChain({ seed: 5, date: '2025-04-04', price: 91_000, scale: 'small' }),
      generateChain({ seed: 6, date: '2024-08-08', price: 60_000, scale: 'small' }),
    ];

    function everyCase(label: string): void {
      it(`${label}: on every real mainnet block`, () => {
        for (const b of realBlocks()) {
          const r = both(b.bytes)!;
          expect(r.native, `block ${b.height}`).toEqual(r.ts);
          expect(r.native.root).toBe(hex(fromDisplayHex(readBlockLayout(b.bytes).header.merkleRoot)));
        }
      });

      it(`${label}: on every block of two synthetic days`, () => {
        let blocks = 0;
        for (const chain of synthetic)
          for (const b of chain.blocks) if (expectSame(b.bytes, `height ${b.height}`)) blocks++;
        expect(blocks).toBe(synthetic.reduce((n, c) => n + c.blocks.length, 0));
      });

      it(`${label}: on fuzzed and damaged blocks`, () => {
        const rand = prng(1602);
        const int = (n: number) => Math.floor(rand() * n);
        let compared = 0;
        for (const b of realBlocks()) {
          const rounds = b.bytes.length > 200_000 ? 25 : 600;
          for (let i = 0; i < rounds; i++) {
            const m = b.bytes.slice();
            // Flip bytes anywhere: most land in scripts, values or witnesses and still lay out.
            for (let k = 0, n = 1 + int(4); k < n; k++) m[int(m.length)] = int(256);
            if (expectSame(m, `block ${b.height} mutation ${i}`)) compared++;
          }
        }
        expect(compared).toBeGreaterThan(500);
      });
    }

    everyCase(hashPath().detail);

    it('with the last transaction repeated (CVE-2012-2459): the same root, and both flag the mutation', () => {
      const b = synthetic[0]!.blocks.find((x) => readBlockLayout(x.bytes).txCount % 2 === 1)!;
      const l = readBlockLayout(b.bytes);
      const n = l.txCount;
      const last = b.bytes.subarray(l.ranges[4 * (n - 1)]);
      const forged = Uint8Array.from([
        ...b.bytes.subarray(0, 80),
        ...varint(n + 1),
        ...b.bytes.subarray(l.ranges[0]),
        ...last,
      ]);
      const r = both(forged)!;
      expect(r.native).toEqual(r.ts);
      expect(r.native.mutated).toBe(true);
      expect(r.native.root).toBe(hex(fromDisplayHex(l.header.merkleRoot)));
      expect(both(b.bytes)!.native.mutated).toBe(false);
    });

    it('every transaction count from 1 to 70, and a repeated pair at every place (the merkle tree two nodes at a time)', () => {
      const b = synthetic[0]!.blocks.find((x) => readBlockLayout(x.bytes).txCount >= 71)!;
      const l = readBlockLayout(b.bytes);
      const starts = Array.from({ length: 71 }, (_, i) => l.ranges[4 * i]!);
      const firstN = (txs: number[]) =>
        Uint8Array.from([
          ...b.bytes.subarray(0, 80),
          ...varint(txs.length),
          ...txs.flatMap((i) => [...b.bytes.subarray(starts[i], starts[i + 1])]),
        ]);
      const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
      for (let n = 1; n <= 70; n++) {
        const r = both(firstN(ids(n)))!;
        expect(r.native, `${n} transactions`).toEqual(r.ts);
        expect(r.native.mutated).toBe(false);
      }
      // Transactions 2k and 2k+1 the same: a mutated tree whichever pair of the level it lands in.
      for (let k = 1; k < 20; k++) {
        const txs = ids(40);
        txs[2 * k + 1] = txs[2 * k]!;
        const r = both(firstN(txs))!;
        expect(r.native, `pair ${k} repeated`).toEqual(r.ts);
        expect(r.native.mutated, `pair ${k} repeated`).toBe(true);
      }
    });

    it('the portable C compression too (the addon switched from SHA-NI to it)', () => {
      const addon = createRequire(import.meta.url)(ADDON) as { usePortable(): void; implementation(): string };
      addon.usePortable();
      expect(addon.implementation()).toBe('portable');
      for (const b of realBlocks()) expectSame(b.bytes, `portable, block ${b.height}`);
      for (const b of synthetic[1]!.blocks.slice(0, 40)) expectSame(b.bytes, `portable, height ${b.height}`);
    });

    it('refuses ranges outside the block instead of reading past it', () => {
      const addon = createRequire(import.meta.url)(ADDON) as {
        hashBlock(...args: unknown[]): number;
      };
      const bytes = new Uint8Array(100);
      const out = new Uint8Array(32);
      const roots = new Uint8Array(64);
      expect(() => addon.hashBlock(bytes, Int32Array.of(0, 4, 50, 97), 1, out, null, roots)).toThrow(RangeError);
      expect(() => addon.hashBlock(bytes, Int32Array.of(0, 5, 50, 60), 1, out, null, roots)).toThrow(RangeError);
      expect(() => addon.hashBlock(bytes, Int32Array.of(0, 4, 50), 1, out, null, roots)).toThrow(RangeError);
      expect(() => addon.hashBlock(bytes, Int32Array.of(0, 4, 50, 60), 2, out, null, roots)).toThrow(RangeError);
      expect(() => addon.hashBlock([1, 2], Int32Array.of(0, 4, 50, 60), 1, out, null, roots)).toThrow(TypeError);
      expect(addon.hashBlock(bytes, Int32Array.of(0, 4, 50, 60), 1, out, null, roots)).toBe(1);
    });
  });
});
