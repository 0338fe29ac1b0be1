import { describe, expect, it } from 'vitest';
import { fromDisplayHex, fromHex, sha256d, toDisplayHex, toHex } from '../../src/chain/hash.js';
import { computeMerkle, merkleRoot } from '../../src/chain/merkle.js';
import { parseBlockHeader } from '../../src/chain/block.js';
import { DataError } from '../../src/errors.js';

const text = (s: string) => new TextEncoder().encode(s);

// The genesis block header (bitcoin/src/kernel/chainparams.cpp) and its well-known hash and merkle root.
const GENESIS_HEADER =
  '01000000' +
  '00'.repeat(32) +
  '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a' +
  '29ab5f49' +
  'ffff001d' +
  '1dac2b7c';

describe('sha256d and hex', () => {
  it.each([
    { input: '', hex: '5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456' },
    { input: 'hello', hex: '9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50' },
  ])('sha256d("$input")', ({ input, hex }) => {
    expect(toHex(sha256d(text(input)))).toBe(hex);
  });

  it('hashes parts as if concatenated', () => {
    expect(toHex(sha256d(text('he'), text(''), text('llo')))).toBe(toHex(sha256d(text('hello'))));
  });

  it('parses the genesis header to its known hash and merkle root', () => {
    const h = parseBlockHeader(fromHex(GENESIS_HEADER));
    expect(h.hash).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    expect(h.merkleRoot).toBe('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b');
    expect(h).toMatchObject({ version: 1, time: 1231006505, bits: 0x1d00ffff, nonce: 2083236893 });
    expect(h.prevHash).toBe('0'.repeat(64));
  });

  it('rejects a header shorter than 80 bytes', () => {
    expect(() => parseBlockHeader(fromHex(GENESIS_HEADER.slice(0, 158)))).toThrow(
      /truncated block header: needed 4 bytes for header nonce at offset 76, 3 left/,
    );
  });

  it('round-trips display hex', () => {
    const le = fromDisplayHex('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    expect(le[31]).toBe(0);
    expect(le[0]).toBe(0x6f);
    expect(toDisplayHex(le)).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
  });

  it.each(['abc', 'zz', '0x00', ' 00'])('rejects bad hex %j with DataError', (hex) => {
    expect(() => fromDisplayHex(hex)).toThrow(DataError);
  });
});

describe('merkleRoot', () => {
  const leaf = (n: number) => new Uint8Array(32).fill(n);
  const [a, b, c, d] = [leaf(1), leaf(2), leaf(3), leaf(4)];
  const node = (x: Uint8Array, y: Uint8Array) => sha256d(x, y);

  it.each([
    { name: 'one leaf is its own root', leaves: [a], root: a },
    { name: 'two leaves', leaves: [a, b], root: node(a, b) },
    { name: 'three leaves pair the last with itself', leaves: [a, b, c], root: node(node(a, b), node(c, c)) },
    { name: 'four leaves', leaves: [a, b, c, d], root: node(node(a, b), node(c, d)) },
    {
      name: 'five leaves',
      leaves: [a, b, c, d, a],
      root: node(node(node(a, b), node(c, d)), node(node(a, a), node(a, a))),
    },
  ])('$name', ({ leaves, root }) => {
    expect(toHex(merkleRoot(leaves))).toBe(toHex(root));
  });

  it('flags the CVE-2012-2459 duplicate that gives the same root', () => {
    expect(toHex(merkleRoot([a, b, c, c]))).toBe(toHex(merkleRoot([a, b, c])));
    expect(computeMerkle([a, b, c]).mutated).toBe(false);
    expect(computeMerkle([a, b, c, c]).mutated).toBe(true);
  });

  it.each([
    { name: 'empty list', leaves: [] as Uint8Array[], error: /empty transaction list/ },
    { name: 'short leaf', leaves: [a, new Uint8Array(31)], error: /leaf 1 is 31 bytes/ },
  ])('rejects $name', ({ leaves, error }) => {
    expect(() => merkleRoot(leaves)).toThrow(error);
  });
});
