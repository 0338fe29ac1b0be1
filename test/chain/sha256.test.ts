import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, secondRoundInto, sha256dTsInto as sha256dInto } from '../../src/chain/sha256.js';

const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest();
const ours = (b: Uint8Array) => {
  const out = new Uint8Array(32);
  new Sha256().update(b).digestInto(out);
  return Buffer.from(out);
};

describe('SHA-256 in TypeScript agrees with node:crypto', () => {
  it('on the FIPS 180-4 examples', () => {
    expect(ours(Buffer.from('abc')).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(ours(new Uint8Array(0)).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(ours(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toString('hex')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('on every length 0..300 (all padding cases) and a few large ones', () => {
    for (const len of [...Array.from({ length: 301 }, (_, i) => i), 1000, 4095, 65_536, 1_000_001]) {
      const b = randomBytes(len);
      expect(ours(b).equals(nodeSha(b)), `length ${len}`).toBe(true);
    }
  });

  it('fed in pieces of any size, the digest is the same', () => {
    const b = randomBytes(777);
    for (const cut of [1, 7, 63, 64, 65, 200]) {
      const h = new Sha256();
      for (let i = 0; i < b.length; i += cut) h.update(b, i, Math.min(b.length, i + cut));
      const out = new Uint8Array(32);
      h.digestInto(out);
      expect(Buffer.from(out).equals(nodeSha(b)), `pieces of ${cut}`).toBe(true);
    }
  });

  it('the 64-byte shortcut (merkle nodes) agrees with node:crypto at any offset', () => {
    const b = randomBytes(64 * 40 + 7);
    const out = new Uint8Array(40);
    for (let start = 0; start + 64 <= b.length; start += 13) {
      sha256dInto(b, start, start + 64, out, 5);
      expect(
        Buffer.from(out.subarray(5, 37)).equals(nodeSha(nodeSha(b.subarray(start, start + 64)))),
        `start ${start}`,
      ).toBe(true);
    }
  });

  it('sha256d and the second round write where they are told, reusing nothing stale', () => {
    const out = new Uint8Array(96);
    for (let i = 0; i < 50; i++) {
      const b = randomBytes(i * 13);
      sha256dInto(b, 0, b.length, out, 32);
      expect(Buffer.from(out.subarray(32, 64)).equals(nodeSha(nodeSha(b)))).toBe(true);
      secondRoundInto(nodeSha(b), out, 64);
      expect(Buffer.from(out.subarray(64, 96)).equals(nodeSha(nodeSha(b)))).toBe(true);
    }
  });
});
