import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { parseBlock, parseBlockHeader } from '../../src/chain/block.js';
import { bip34Height, BIP34_HEIGHT } from '../../src/chain/bip34.js';
import { merkleRoot } from '../../src/chain/merkle.js';
import { toDisplayHex } from '../../src/chain/hash.js';
import { README_TX_COUNTS, realBlocks } from './realBlocks.js';

const blocks = realBlocks();
const varintSize = (n: number) => (n < 0xfd ? 1 : n <= 0xffff ? 3 : 5);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

describe('real mainnet blocks', () => {
  it('finds all five blocks of the README table', () => {
    expect(blocks.map((b) => b.height)).toEqual([413567, 542213, 600000, 627714, 702861]);
  });

  describe.each(blocks)('block $height', ({ height, hash, bytes }) => {
    const block = parseBlock(bytes);

    it('parses to the end with the README tx count and the file-name hash', () => {
      expect(block.size).toBe(bytes.length);
      expect(block.txs.length).toBe(README_TX_COUNTS[height]);
      expect(block.header.hash).toBe(hash);
      expect(parseBlockHeader(bytes)).toEqual(block.header);
    });

    it('has tx sizes that add up to the block size', () => {
      const total = 80 + varintSize(block.txs.length) + block.txs.reduce((s, t) => s + t.size, 0);
      expect(total).toBe(bytes.length);
    });

    it('recomputes the header merkle root from the txids', () => {
      expect(toDisplayHex(merkleRoot(block.txs.map((t) => t.txidLE)))).toBe(block.header.merkleRoot);
    });

    it('has its height in the coinbase (BIP34)', () => {
      expect(height).toBeGreaterThanOrEqual(BIP34_HEIGHT);
      expect(bip34Height(block.txs[0]!)).toBe(height);
    });

    it('has exactly one coinbase, first, and no other null prevout', () => {
      expect(block.txs.map((t) => t.isCoinbase).indexOf(true)).toBe(0);
      expect(block.txs.filter((t) => t.hasNullPrevout).length).toBe(1);
    });

    it('hashes legacy txs over their whole bytes, and keeps weight = 4*size for them', () => {
      let offset = 80 + varintSize(block.txs.length);
      for (const tx of block.txs) {
        const raw = bytes.subarray(offset, offset + tx.size);
        if (!tx.segwit) {
          expect(toDisplayHex(sha256(sha256(raw)))).toBe(tx.txid);
          expect(tx.weight).toBe(4 * tx.size);
        } else {
          expect(tx.baseSize).toBeLessThan(tx.size);
          expect(tx.weight).toBe(3 * tx.baseSize + tx.size);
        }
        offset += tx.size;
      }
    });

    it('stays within consensus weight and money limits', () => {
      const weight = (80 + varintSize(block.txs.length)) * 4 + block.txs.reduce((s, t) => s + t.weight, 0);
      expect(weight).toBeLessThanOrEqual(4_000_000);
      for (const tx of block.txs) for (const o of tx.outputs) expect(Number.isSafeInteger(o.value)).toBe(true);
    });
  });

  it('detects segwit exactly in the post-activation blocks', () => {
    const segwitCount = Object.fromEntries(
      blocks.map((b) => [b.height, parseBlock(b.bytes).txs.filter((t) => t.segwit).length]),
    );
    expect(segwitCount[413567]).toBe(0); // before segwit activated (481,824)
    expect(segwitCount[542213]).toBeGreaterThan(0);
    expect(segwitCount[702861]).toBeGreaterThan(0);
    // A segwit coinbase carries the 32-byte witness reserved value (BIP141).
    const cb = parseBlock(blocks.find((b) => b.height === 542213)!.bytes).txs[0]!;
    expect(cb.segwit).toBe(true);
    expect(cb.inputs[0]!.witness.map((w) => w.length)).toEqual([32]);
  });

  it('chains headers to their parents by prevHash format (64 hex, display order)', () => {
    for (const b of blocks) {
      const h = parseBlock(b.bytes).header;
      expect(h.prevHash).toMatch(/^0{8}[0-9a-f]{56}$/); // mainnet parents have proof of work too
      expect(h.hash.startsWith('00000000')).toBe(true);
    }
  });
});
