// The same-day rule (oracle.md §2) as funding heights, so it is worked out once per block and
// not once per run.
//
// The reference drops a transaction when one of its inputs spends a txid already in the window's
// set (the txids seen so far, its own included). For a candidate at height h, let fundedFrom be
// the highest height in [resolvedFrom, h] of a transaction seen before it whose txid one of its
// inputs names (-1 when there is none). Then, for every window that starts at some height
// `first` with resolvedFrom <= first <= h, the candidate is a same-day spend exactly when
// fundedFrom >= first: such a transaction exists in [first, h] iff the highest one in
// [resolvedFrom, h] is at or above `first`. This holds even if a txid occurred twice (pre-BIP34
// duplicates), because it is the highest occurrence that counts.
//
// So a block cached with its funding heights serves every later window that starts at or after
// its resolvedFrom: the cron run ten minutes later compares one number per amount instead of
// indexing ~430,000 txids. A window that starts earlier than a block's resolvedFrom (a date run
// over a long day, a block just fetched) resolves that block again over the whole window.

import { DataError } from '../errors.js';
import { TXID_BYTES, type BlockTxids, type ResolvableBlock } from '../summary/types.js';

/** A block of the window as the resolution scans it: its height and txids. */
export interface WindowTxids extends BlockTxids {
  height: number;
}

/** A block to resolve, and its index in the window. */
export interface Pending {
  position: number;
  block: ResolvableBlock;
}

/** The low 30 bits of a txid's first 4 bytes (little-endian): a small-integer key, fast in V8. */
const KEY_MASK = 0x3fffffff;

/** The key of the txid at b[o..]; every hit is confirmed byte for byte. */
function keyAt(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | ((b[o + 3]! & 0x3f) << 24)) >>> 0;
}

function sameTxid(a: Uint8Array, ao: number, b: Uint8Array, bo: number): boolean {
  for (let k = 0; k < TXID_BYTES; k++) if (a[ao + k] !== b[bo + k]) return false;
  return true;
}

/**
 * Funding heights of the `pending` blocks' candidates over the window `blocks` (consecutive,
 * starting at the window's first block, reaching at least the last pending block), one array per
 * pending block: the caller keeps them (the cache layer persists them, see summary/blockCache.ts).
 *
 * The pending candidates' inputs go into a hash table (open addressing, linear probing, typed
 * arrays); then every txid of the window, in order, is looked up once. Scanning in height order
 * means the last hit for an input is its highest funding height. A cron run has one pending block
 * (a few thousand inputs) against ~430,000 txids: a few milliseconds.
 */
export function resolveFunding(blocks: readonly WindowTxids[], pending: readonly Pending[]): Int32Array[] {
  const results = pending.map((p) => new Int32Array(p.block.candidateCount).fill(-1));
  if (pending.length === 0) return results;
  let inputs = 0;
  for (const p of pending) inputs += p.block.inputCount;
  // Entries: which pending block and candidate an input belongs to, and where its txid is.
  const entBlock = new Int32Array(inputs);
  const entCand = new Int32Array(inputs);
  const entTx = new Int32Array(inputs);
  const entOff = new Int32Array(inputs);
  let size = 1024;
  while (size < 2 * inputs) size *= 2;
  const mask = size - 1;
  const keys = new Int32Array(size); // key + 1; 0 = empty
  const vals = new Int32Array(size);
  let e = 0;
  pending.forEach(({ block }, pb) => {
    let off = 0;
    for (let c = 0; c < block.candidateCount; c++) {
      for (let k = 0; k < block.inputCounts[c]!; k++, off += TXID_BYTES, e++) {
        entBlock[e] = pb;
        entCand[e] = c;
        entTx[e] = block.txIndex[c]!;
        entOff[e] = off;
        const key = keyAt(block.inputTxids, off) + 1;
        let slot = key & mask;
        while (keys[slot] !== 0) slot = (slot + 1) & mask;
        keys[slot] = key;
        vals[slot] = e;
      }
    }
  });
  const last = Math.max(...pending.map((p) => p.position));
  if (last >= blocks.length)
    throw new DataError(`pending block at position ${last} is outside a window of ${blocks.length} blocks`);
  for (let w = 0; w <= last; w++)
    scanBlockTxids(blocks[w]!, w, pending, results, { keys, vals, mask, entBlock, entCand, entTx, entOff });
  return results;
}

interface InputTable {
  keys: Int32Array;
  vals: Int32Array;
  mask: number;
  entBlock: Int32Array;
  entCand: Int32Array;
  entTx: Int32Array;
  entOff: Int32Array;
}

/** Looks every txid of the window's block `w` up in the pending inputs (a function of its own, so V8 optimises it early). */
function scanBlockTxids(
  block: WindowTxids,
  w: number,
  pending: readonly Pending[],
  results: Int32Array[],
  t: InputTable,
): void {
  const keys = block.keys();
  const n = keys.length;
  for (let j = 0; j < n; j++) {
    const key = (keys[j]! & KEY_MASK) + 1;
    for (let slot = key & t.mask; t.keys[slot] !== 0; slot = (slot + 1) & t.mask) {
      if (t.keys[slot] !== key) continue;
      const x = t.vals[slot]!;
      const p = pending[t.entBlock[x]!]!;
      // Only transactions seen so far: an earlier block, or earlier in the same block (or itself).
      if (p.position < w || (p.position === w && t.entTx[x]! < j)) continue;
      if (sameTxid(block.txid(j), 0, p.block.inputTxids, t.entOff[x]!))
        results[t.entBlock[x]!]![t.entCand[x]!] = block.height;
    }
  }
}
