// A small real block (542213, 2,355 bytes, 4 txs, segwit) damaged in every way we can think of:
// only DataError may come out, and a block that still parses must be visibly different.
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../../src/chain/block.js';
import { DataError, describeError } from '../../src/errors.js';
import { realBlock } from './realBlocks.js';

const { bytes, hash } = realBlock(542213);
const good = parseBlock(bytes);
const TX_START = 81; // header + one-byte tx count
const txStart = (i: number) => TX_START + good.txs.slice(0, i).reduce((s, t) => s + t.size, 0);
const firstSegwit = good.txs.findIndex((t, i) => i > 0 && t.segwit);
const inputCountAt = (i: number) => txStart(i) + 4 + (good.txs[i]!.segwit ? 2 : 0);

function errorOf(b: Uint8Array, opts?: Parameters<typeof parseBlock>[1]): unknown {
  try {
    parseBlock(b, opts);
    return undefined;
  } catch (e) {
    return e;
  }
}
const splice = (at: number, remove: number, ...insert: number[]) =>
  new Uint8Array([...bytes.subarray(0, at), ...insert, ...bytes.subarray(at + remove)]);
const patch = (at: number, value: number) => splice(at, 1, value);

describe('block 542213 damaged', () => {
  it('is the block we think it is', () => {
    expect(bytes.length).toBe(2355);
    expect(good.txs.length).toBe(4);
    expect(bytes[80]).toBe(4);
    expect(firstSegwit).toBeGreaterThan(0);
  });

  it('truncated at every offset: DataError naming an offset inside the bytes', () => {
    for (let len = 0; len < bytes.length; len++) {
      const err = errorOf(bytes.subarray(0, len));
      if (!(err instanceof DataError)) throw new Error(`length ${len}: expected DataError, got ${describeError(err)}`);
      expect(err.message).toMatch(/^(truncated|bad) block/);
      if (err.offset !== undefined) expect(err.offset).toBeLessThanOrEqual(len);
    }
  });

  it('every byte flipped (3 masks): DataError, or a parse with a different header hash', () => {
    let differentButValid = 0;
    for (let at = 0; at < bytes.length; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const b = bytes.slice();
        b[at]! ^= mask;
        const err = errorOf(b);
        if (err === undefined) {
          expect(at, `flip at ${at} parsed as the same block`).toBeLessThan(80);
          expect(parseBlock(b).header.hash).not.toBe(hash);
          differentButValid++;
        } else if (!(err instanceof DataError)) {
          throw new Error(`flip 0x${mask.toString(16)} at ${at}: ${describeError(err)}`);
        }
      }
    }
    // Header fields outside the merkle root (version, prev hash, time, bits, nonce) are not checked here.
    expect(differentButValid).toBeLessThanOrEqual((80 - 32) * 3);
  });

  it.each([
    {
      name: 'non-shortest tx count',
      b: () => splice(80, 1, 0xfd, 0x04, 0x00),
      error: /tx count varint 4 is not in shortest form .*at offset 80$/,
    },
    {
      name: 'huge tx count',
      b: () => splice(80, 1, 0xfe, 0xff, 0xff, 0xff, 0xff),
      error: /tx count 4294967295 cannot fit/,
    },
    { name: 'tx count 0', b: () => bytes.slice(0, 81).map((v, i) => (i === 80 ? 0 : v)), error: /tx count is 0/ },
    {
      name: 'one trailing byte',
      b: () => new Uint8Array([...bytes, 0]),
      error: /1 trailing bytes after the last of 4 transactions at offset 2355/,
    },
    {
      name: 'a 5th tx that is not there',
      b: () => patch(80, 5),
      error: /truncated block: needed 4 bytes for tx 4 version at offset 2355/,
    },
    {
      name: 'bad segwit flag',
      b: () => patch(txStart(firstSegwit) + 5, 0x02),
      error: new RegExp(`tx ${firstSegwit} segwit flag is 0x02, expected 0x01`),
    },
    {
      name: 'non-shortest input count',
      b: () => splice(inputCountAt(1), 1, 0xfd, bytes[inputCountAt(1)]!, 0),
      error: /tx 1 input count varint \d+ is not in shortest form/,
    },
    {
      name: 'huge input count',
      b: () => splice(inputCountAt(1), 1, 0xfe, 0, 0, 0, 1),
      error: /tx 1 input count 16777216 cannot fit/,
    },
    { name: 'merkle root changed', b: () => patch(36, bytes[36]! ^ 1), error: /merkle root of the 4 txids is/ },
    {
      name: 'coinbase moved out of first place',
      b: () => new Uint8Array([...bytes.subarray(0, 80), 3, ...bytes.subarray(txStart(1))]),
      error: /tx 0 is not a coinbase/,
    },
    {
      name: 'a witness byte changed',
      b: () => patch(txStart(firstSegwit + 1) - 5, bytes[txStart(firstSegwit + 1) - 5]! ^ 1),
      error: /witness commitment .* does not match/,
    },
  ])('$name -> DataError', ({ b, error }) => {
    const err = errorOf(b());
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(error);
  });

  it('skips the checks the caller turns off, but never the framing', () => {
    expect(parseBlock(patch(36, bytes[36]! ^ 1), { verifyMerkle: false }).txs.length).toBe(4);
    const witnessByte = txStart(firstSegwit + 1) - 5;
    expect(parseBlock(patch(witnessByte, bytes[witnessByte]! ^ 1), { verifyWitness: false }).header.hash).toBe(hash);
    expect(errorOf(new Uint8Array([...bytes, 0]), { verifyMerkle: false, verifyWitness: false })).toBeInstanceOf(
      DataError,
    );
  });
});
