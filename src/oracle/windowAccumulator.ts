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
/** Places must fit an Int32: block * TX_SLOTS < 2^31. A day is ~144 blocks. */
const MAX_BLOCKS = 2 ** 31 / TX_SLOTS;

export class WindowAccumulator {
  /** The txid arrays of the blocks added so far (kept, not copied: the index points into them). */
  private readonly blocks: Uint8Array[] = [];
  // An open-addressing hash table (linear probing) from a txid's 30-bit key to where the txid is
  // (block * TX_SLOTS + tx index). Typed arrays instead of a Map: a window indexes ~400,000 txids
  // on every run, and this is several times faster. Slots hold key + 1, so 0 means empty.
  // 2^20 slots (8 MB) hold a full-scale day (~430,000 txids) at under half load without regrowing.
  private keys = new Int32Array(1 << 20);
  private places = new Int32Array(1 << 20);
  private used = 0;
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
    if (2 * (this.used + 1) > this.keys.length) this.grow();
    this.insert(keyAt(txids, tx * TXID_BYTES) + 1, block * TX_SLOTS + tx);
  }

  private insert(slotKey: number, place: number): void {
    const mask = this.keys.length - 1;
    let slot = slotKey & mask;
    while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
    this.keys[slot] = slotKey;
    this.places[slot] = place;
    this.used++;
  }

  private grow(): void {
    const [keys, places] = [this.keys, this.places];
    this.keys = new Int32Array(keys.length * 2);
    this.places = new Int32Array(keys.length * 2);
    this.used = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.insert(keys[i]!, places[i]!);
  }

  private same(at: number, src: Uint8Array, off: number): boolean {
    const ids = this.blocks[Math.floor(at / TX_SLOTS)]!;
    const base = (at % TX_SLOTS) * TXID_BYTES;
    for (let k = 0; k < TXID_BYTES; k++) if (ids[base + k] !== src[off + k]) return false;
    return true;
  }

  private seen(src: Uint8Array, off: number): boolean {
    const slotKey = keyAt(src, off) + 1;
    const mask = this.keys.length - 1;
    for (let slot = slotKey & mask; this.keys[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.keys[slot] === slotKey && this.same(this.places[slot]!, src, off)) return true;
    }
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
    if (this.blocks.length >= MAX_BLOCKS) throw new DataError(`a window of more than ${MAX_BLOCKS} blocks is not supported`);
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
