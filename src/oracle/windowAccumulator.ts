// The same-day rule (oracle.md §2), applied block by block as blocks arrive in height order: an
// index of the txids seen so far (pointing into each block's txid array) and the outputs that passed.

import { DataError } from '../errors.js';
import { txCountOf, TXID_BYTES, type BlockSummary, type WindowOutputs } from './outputs.js';

/** 30 bits of a txid: a small-integer Map key (fast in V8); every hit is confirmed byte for byte. */
function keyAt(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | ((b[o + 3]! & 0x3f) << 24)) >>> 0;
}

/** Places per block in the index; a 4 MB-weight block holds well under 2^17 transactions (>= 60 bytes each). */
const TX_SLOTS = 1 << 17;

export class WindowAccumulator {
  /** The txid arrays of the blocks added so far (kept, not copied: the index points into them). */
  private readonly blocks: Uint8Array[] = [];
  /** key -> where that txid is (block * TX_SLOTS + tx index), or several places sharing the key. */
  private index = new Map<number, number | number[]>();
  // Plain arrays of numbers (V8 keeps them unboxed); typed copies are made once, in outputs().
  private readonly amounts: number[] = [];
  private readonly heights: number[] = [];
  private readonly times: number[] = [];
  private txCount = 0;
  private last: { height: number; time: number } | undefined;
  first: { height: number; time: number } | undefined;

  /** A window is consecutive blocks; `windowOutputs` on hand-picked blocks may turn the check off. */
  constructor(private readonly requireConsecutive = true) {}

  /** The most recent block added. */
  get lastBlock(): { height: number; time: number } | undefined {
    return this.last;
  }

  private addId(block: number, txids: Uint8Array, tx: number): void {
    const at = block * TX_SLOTS + tx;
    const key = keyAt(txids, tx * TXID_BYTES);
    const prev = this.index.get(key);
    if (prev === undefined) this.index.set(key, at);
    else if (typeof prev === 'number') this.index.set(key, [prev, at]);
    else prev.push(at);
  }

  private same(at: number, src: Uint8Array, off: number): boolean {
    const ids = this.blocks[Math.floor(at / TX_SLOTS)]!;
    const base = (at % TX_SLOTS) * TXID_BYTES;
    for (let k = 0; k < TXID_BYTES; k++) if (ids[base + k] !== src[off + k]) return false;
    return true;
  }

  private seen(src: Uint8Array, off: number): boolean {
    const hit = this.index.get(keyAt(src, off));
    if (hit === undefined) return false;
    if (typeof hit === 'number') return this.same(hit, src, off);
    for (const at of hit) if (this.same(at, src, off)) return true;
    return false;
  }

  /**
   * Adds the next block of the window. As in the reference, a transaction's own txid joins the
   * set before its inputs are checked, and only transactions seen so far count (spending a LATER
   * transaction of the window is not caught).
   */
  add(s: BlockSummary): void {
    if (this.requireConsecutive && this.last && s.height !== this.last.height + 1) {
      throw new DataError(`blocks must be consecutive: height ${s.height} follows ${this.last.height}`);
    }
    const n = txCountOf(s);
    if (n >= TX_SLOTS) throw new DataError(`block ${s.height} has ${n} transactions, more than a block can hold`);
    const block = this.blocks.push(s.txids) - 1;
    let next = 0;
    for (const c of s.candidates) {
      for (; next <= c.txIndex; next++) this.addId(block, s.txids, next);
      let sameDay = false;
      for (let off = 0; off < c.inputTxids.length && !sameDay; off += TXID_BYTES) sameDay = this.seen(c.inputTxids, off);
      if (sameDay) continue;
      for (const a of c.amounts) {
        this.amounts.push(a);
        this.heights.push(s.height);
        this.times.push(s.time);
      }
    }
    for (; next < n; next++) this.addId(block, s.txids, next);
    this.txCount += n;
    this.first ??= { height: s.height, time: s.time };
    this.last = { height: s.height, time: s.time };
  }

  outputs(): WindowOutputs {
    return { amounts: Float64Array.from(this.amounts), heights: Uint32Array.from(this.heights), times: Float64Array.from(this.times), txCount: this.txCount };
  }
}
