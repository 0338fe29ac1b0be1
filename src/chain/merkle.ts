// The merkle root of a block's txids, as Bitcoin builds it: pair up, sha256d each pair, and when a
// level has an odd count pair the last hash with itself.
import { DataError } from '../errors.js';
import { sha256dInto } from './hash.js';

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
  const flat = new Uint8Array(32 * txidsLE.length);
  txidsLE.forEach((h, i) => flat.set(h, 32 * i));
  return computeMerkleFlat(flat);
}

/** computeMerkle over txids laid end to end (32 bytes each), as a block scan produces them. */
export function computeMerkleFlat(leaves: Uint8Array): MerkleResult {
  if (leaves.length === 0 || leaves.length % 32 !== 0)
    throw new DataError(`merkle leaves must be a non-empty multiple of 32 bytes, got ${leaves.length}`);
  // Each level is one flat array of 32-byte nodes; a pair is hashed in place (64 contiguous bytes).
  let n = leaves.length / 32;
  let level = leaves;
  let mutated = false;
  const lone = new Uint8Array(64); // an odd last node is paired with itself
  while (n > 1) {
    const m = Math.ceil(n / 2);
    const next = new Uint8Array(32 * m);
    for (let i = 0; i < n; i += 2) {
      if (i + 1 < n) {
        if (equalAt(level, 32 * i, 32 * (i + 1))) mutated = true;
        sha256dInto(level, 32 * i, 32 * i + 64, next, 16 * i);
      } else {
        lone.set(level.subarray(32 * i, 32 * i + 32), 0);
        lone.set(level.subarray(32 * i, 32 * i + 32), 32);
        sha256dInto(lone, 0, 64, next, 16 * i);
      }
    }
    level = next;
    n = m;
  }
  return { root: level.subarray(0, 32), mutated };
}

/** Merkle root of txids in internal byte order; the result is in internal byte order too. */
export function merkleRoot(txidsLE: Uint8Array[]): Uint8Array {
  return computeMerkle(txidsLE).root;
}

function equalAt(b: Uint8Array, x: number, y: number): boolean {
  for (let i = 0; i < 32; i++) if (b[x + i] !== b[y + i]) return false;
  return true;
}
