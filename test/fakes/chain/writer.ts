// The writing side of the consensus serialization: a growable little-endian byte buffer.
// The parser in src/chain reads; this only writes what the generator needs.

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }

  /** Satoshi amounts: exact integers below 2^53, written as uint64 LE. */
  u64(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`u64 needs a safe non-negative integer, got ${v}`);
    this.ensure(8);
    this.view.setUint32(this.length, v % 0x100000000, true);
    this.view.setUint32(this.length + 4, Math.floor(v / 0x100000000), true);
    this.length += 8;
    return this;
  }

  /** CompactSize, always the shortest form (consensus parsers reject the others). */
  varint(v: number): this {
    if (v < 0xfd) return this.u8(v);
    if (v <= 0xffff) {
      this.ensure(3);
      this.buf[this.length] = 0xfd;
      this.view.setUint16(this.length + 1, v, true);
      this.length += 3;
      return this;
    }
    if (v <= 0xffffffff) return this.u8(0xfe).u32(v);
    return this.u8(0xff).u64(v);
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Length-prefixed bytes (scripts, witness items). */
  varBytes(b: Uint8Array): this {
    return this.varint(b.length).bytes(b);
  }

  /** A copy of what was written, sized exactly. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** A view of bytes [start, end) written so far (valid until the next write). */
  view_(start: number, end = this.length): Uint8Array {
    return this.buf.subarray(start, end);
  }
}
