// The same-day rule (oracle.md §2), applied block by block as blocks arrive in height order, so a
// job never has to hold a whole window of block summaries: only the txids seen so far (one byte
// blob plus an index) and the outputs that passed.

import { DataError } from '../errors.js';
import { txCountOf, TXID_BYTES, type BlockSummary, type WindowOutputs } from './outputs.js';

/** 30 bits of a txid: a small-integer Map key (fast in V8); every hit is confirmed byte for byte. */
function keyAt(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | ((b[o + 3]! & 0x3f) << 24)) >>> 0;
}

/** Growable arrays of doubles / uint32 without a copy per push. */
class Grow<T extends Float64Array | Uint32Array> {
  private n = 0;
  constructor(private buf: T) {}
  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new (this.buf.constructor as { new (n: number): T })(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }
  done(): T {
    return this.buf.subarray(0, this.n) as T;
  }
}

export class WindowAccumulator {
  /** Every txid added so far, 32 bytes each, in window order. */
  private ids = new Uint8Array(32 * 4096);
  private idCount = 0;
  /** key -> index of the first txid with that key (number) or of several (array). */
  private index = new Map<number, number | number[]>();
  private amounts = new Grow(new Float64Array(1024));
  private heights = new Grow(new Uint32Array(1024));
  private times = new Grow(new Float64Array(1024));
  private txCount = 0;
  private last: { height: number; time: number } | undefined;
  first: { height: number; time: number } | undefined;

  /** A window is consecutive blocks; `windowOutputs` on hand-picked blocks may turn the check off. */
  constructor(private readonly requireConsecutive = true) {}

  /** The most recent block added. */
  get lastBlock(): { height: number; time: number } | undefined {
    return this.last;
  }

  private addId(src: Uint8Array, off: number): void {
    if (this.idCount * TXID_BYTES === this.ids.length) {
      const next = new Uint8Array(this.ids.length * 2);
      next.set(this.ids);
      this.ids = next;
    }
    const at = this.idCount++;
    this.ids.set(src.subarray(off, off + TXID_BYTES), at * TXID_BYTES);
    const key = keyAt(src, off);
    const prev = this.index.get(key);
    if (prev === undefined) this.index.set(key, at);
    else if (typeof prev === 'number') this.index.set(key, [prev, at]);
    else prev.push(at);
  }

  private seen(src: Uint8Array, off: number): boolean {
    const hit = this.index.get(keyAt(src, off));
    if (hit === undefined) return false;
    const ids = this.ids;
    const same = (i: number): boolean => {
      const base = i * TXID_BYTES;
      for (let k = 0; k < TXID_BYTES; k++) if (ids[base + k] !== src[off + k]) return false;
      return true;
    };
    return typeof hit === 'number' ? same(hit) : hit.some(same);
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
    let next = 0;
    for (const c of s.candidates) {
      for (; next <= c.txIndex; next++) this.addId(s.txids, next * TXID_BYTES);
      let sameDay = false;
      for (let off = 0; off < c.inputTxids.length && !sameDay; off += TXID_BYTES) sameDay = this.seen(c.inputTxids, off);
      if (sameDay) continue;
      for (const a of c.amounts) {
        this.amounts.push(a);
        this.heights.push(s.height);
        this.times.push(s.time);
      }
    }
    for (; next < n; next++) this.addId(s.txids, next * TXID_BYTES);
    this.txCount += n;
    this.first ??= { height: s.height, time: s.time };
    this.last = { height: s.height, time: s.time };
  }

  outputs(): WindowOutputs {
    return { amounts: this.amounts.done(), heights: this.heights.done(), times: this.times.done(), txCount: this.txCount };
  }
}
