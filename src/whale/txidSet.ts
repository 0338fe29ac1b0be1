// The transactions whale-watch has already looked at, so a catch-up fetches only the unseen ones.
// A mainnet mempool holds hundreds of thousands of transactions and whale-watch runs for months, so
// this is a fixed-size structure instead of a Set of strings (300k hex strings cost ~30 MB and
// 175 ms to insert here): each txid is kept as its first 16 bytes (four uint32 words; a collision
// between two real txids is a 2^-128 event) in a ring that remembers insertion order, indexed by an
// open-addressing table with linear probing. Full, it forgets the oldest: a forgotten txid still
// in the mempool is merely fetched again by the next catch-up, never missed.
//
// Memory: 16 bytes per slot of the ring plus 4 bytes per table slot (twice the capacity, rounded up
// to a power of two): ~24 MB for a million txids, allocated once.

const EMPTY = -1;

/** A hex digit's value (either case); anything else counts as 0 (txids reaching here are checked hex). */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : 0;
}

/**
 * The first 16 bytes of a 64-hex-digit txid as four words (little-endian hex pairs are irrelevant: it
 * is a key), read from the characters: a catch-up asks hundreds of thousands of times, and slicing
 * made four strings each time.
 */
function words(txid: string, out: Uint32Array): void {
  for (let w = 0; w < 4; w++) {
    let v = 0;
    for (let k = 8 * w; k < 8 * w + 8; k++) v = v * 16 + nibble(txid.charCodeAt(k));
    out[w] = v;
  }
}

export class TxidSet {
  private readonly ring: Uint32Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  /** Next ring slot to write; the oldest entry is at `head` once the ring has wrapped. */
  private head = 0;
  private count = 0;
  private readonly key = new Uint32Array(4);
  /** Entries forgotten to make room (the count a bench or a log can report). */
  forgotten = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 2 ** 28)
      throw new RangeError(`TxidSet capacity must be an integer in 1..2^28, got ${capacity}`);
    this.ring = new Uint32Array(capacity * 4);
    let size = 1;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  has(txid: string): boolean {
    words(txid, this.key);
    return this.find(this.key) >= 0;
  }

  /** Adds `txid`; returns false when it was already there. */
  add(txid: string): boolean {
    const k = this.key;
    words(txid, k);
    if (this.find(k) >= 0) return false;
    if (this.count === this.capacity) {
      this.removeSlot(this.head);
      this.forgotten++;
    } else this.count++;
    const slot = this.head;
    this.head = (this.head + 1) % this.capacity;
    this.ring.set(k, slot * 4);
    let i = k[0]! & this.mask;
    while (this.table[i] !== EMPTY) i = (i + 1) & this.mask;
    this.table[i] = slot;
    return true;
  }

  /** Table index holding `k`, or -1. */
  private find(k: Uint32Array): number {
    const { ring, table, mask } = this;
    let i = k[0]! & mask;
    for (;;) {
      const slot = table[i]!;
      if (slot === EMPTY) return -1;
      const o = slot * 4;
      if (ring[o] === k[0] && ring[o + 1] === k[1] && ring[o + 2] === k[2] && ring[o + 3] === k[3]) return i;
      i = (i + 1) & mask;
    }
  }

  /** Drops the table entry pointing at ring slot `slot` (backward-shift deletion keeps probes intact). */
  private removeSlot(slot: number): void {
    const { ring, table, mask } = this;
    let i = ring[slot * 4]! & mask;
    while (table[i] !== slot) i = (i + 1) & mask;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const s = table[j]!;
      if (s === EMPTY) break;
      const home = ring[s * 4]! & mask;
      // Move j's entry into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        table[hole] = s;
        hole = j;
      }
    }
    table[hole] = EMPTY;
  }
}
