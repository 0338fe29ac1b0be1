// The merkle root of a block's txids, as Bitcoin builds it: pair up, sha256d each pair, and when a
// level has an odd count pair the last hash with itself.
import { DataError } from '../errors.js';
import { sha256dOne } from './hash.js';

export interface MerkleResult {
  root: Uint8Array;
  /**
   * Two different positions hashed to identical pairs somewhere in the tree (CVE-2012-2459): the same
   * root can then be made from a different, longer tx list. Core rejects such blocks; so do we.
   */
  mutated: boolean;
}

/** Root plus the mutation flag; see merkleRoot for the plain root. */
export function computeMerkle(txidsLE: readonly Uint8Array[]): MerkleResult {
  if (txidsLE.length === 0) throw new DataError('merkle root of an empty transaction list is undefined');
  txidsLE.forEach((h, i) => {
    if (h.length !== 32) throw new DataError(`merkle leaf ${i} is ${h.length} bytes, expected 32`);
  });
  let level: Uint8Array[] = txidsLE.slice();
  let mutated = false;
  const pair = new Uint8Array(64); // reused for every pair: one buffer, no per-node concatenation
  while (level.length > 1) {
    const next: Uint8Array[] = new Array(Math.ceil(level.length / 2));
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = i + 1 < level.length ? level[i + 1]! : left;
      if (i + 1 < level.length && equal32(left, right)) mutated = true;
      pair.set(left, 0);
      pair.set(right, 32);
      next[i >> 1] = sha256dOne(pair); // hashes a copy synchronously, so reusing `pair` is safe
    }
    level = next;
  }
  return { root: level[0]!, mutated };
}

/** Merkle root of txids in internal byte order; the result is in internal byte order too. */
export function merkleRoot(txidsLE: Uint8Array[]): Uint8Array {
  return computeMerkle(txidsLE).root;
}

function equal32(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}
