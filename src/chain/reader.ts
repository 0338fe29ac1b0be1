// A cursor over consensus bytes that checks bounds on every read and never allocates per byte.
// Every failure is a DataError naming the offset and the field being read, so a bad block from a node
// is reported as "what and where", never as a RangeError from deep inside.
import { DataError } from '../errors.js';
import { MAX_MONEY } from './types.js';

const TWO_32 = 4294967296;

/**
 * Where the cursor is, kept as numbers and constants so the message text is only built on failure
 * (building "tx 5 input 3" strings for every field would cost more than the parse itself).
 */
export interface ReadPlace {
  tx: number; // -1 outside any transaction
  part: '' | 'input' | 'output' | 'witness of input';
  index: number;
}

export class ByteReader {
  pos = 0;
  readonly place: ReadPlace = { tx: -1, part: '', index: -1 };
  private readonly view: DataView;

  /** `kind` names the whole thing in messages: "block", "transaction". */
  constructor(
    readonly bytes: Uint8Array,
    readonly kind: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** "tx 5 input 3 prev txid": the field, prefixed with where in the block it is. */
  describe(what: string): string {
    const { tx, part, index } = this.place;
    let out = tx >= 0 && this.kind === 'block' ? `tx ${tx} ` : '';
    if (part) out += `${part} ${index} `;
    return out + what;
  }

  fail(message: string, offset = this.pos): DataError {
    return new DataError(`bad ${this.kind}: ${message} at offset ${offset}`, offset);
  }

  private need(n: number, what: string): void {
    if (n > this.bytes.length - this.pos) {
      throw new DataError(
        `truncated ${this.kind}: needed ${n} bytes for ${this.describe(what)} at offset ${this.pos}, ` +
          `${this.bytes.length - this.pos} left`,
        this.pos,
      );
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  /** Look at the next byte without consuming it; undefined at the end. */
  peek(): number | undefined {
    return this.bytes[this.pos];
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An int64 amount in satoshis, exact as a number; outside 0..MAX_MONEY is a DataError (consensus rule). */
  amount(what: string): number {
    this.need(8, what);
    const start = this.pos;
    const lo = this.view.getUint32(start, true);
    const hi = this.view.getUint32(start + 4, true);
    this.pos += 8;
    // hi >= 2^21 means >= 2^53 (or negative as int64): certainly above MAX_MONEY, and not exact as a number.
    if (hi >= 0x200000 || hi * TWO_32 + lo > MAX_MONEY) {
      const raw = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
      throw this.fail(`${this.describe(what)} ${raw} sats is outside 0..${MAX_MONEY}`, start);
    }
    return hi * TWO_32 + lo;
  }

  /** A CompactSize integer; it must use the shortest form (Core rejects non-canonical sizes). */
  varint(what: string): number {
    const start = this.pos;
    const first = this.u8(what);
    if (first < 0xfd) return first;
    let value: number;
    let min: number;
    if (first === 0xfd) {
      this.need(2, what);
      value = this.view.getUint16(this.pos, true);
      this.pos += 2;
      min = 0xfd;
    } else if (first === 0xfe) {
      this.need(4, what);
      value = this.view.getUint32(this.pos, true);
      this.pos += 4;
      min = 0x10000;
    } else {
      this.need(8, what);
      const lo = this.view.getUint32(this.pos, true);
      const hi = this.view.getUint32(this.pos + 4, true);
      this.pos += 8;
      // Nothing in a block can count past 2^53; refuse before the number stops being exact.
      if (hi >= 0x200000)
        throw this.fail(
          `${this.describe(what)} varint is absurdly large (0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')})`,
          start,
        );
      value = hi * TWO_32 + lo;
      min = TWO_32;
    }
    if (value < min) {
      throw this.fail(
        `${this.describe(what)} varint ${value} is not in shortest form (prefix 0x${first.toString(16)})`,
        start,
      );
    }
    return value;
  }

  /**
   * A count of items that each take at least `minBytes`; a count that cannot fit in what is left is
   * rejected before anyone allocates an array for it.
   */
  count(what: string, minBytes: number): number {
    const start = this.pos;
    const n = this.varint(what);
    if (n * minBytes > this.remaining) {
      throw this.fail(
        `${this.describe(what)} ${n} cannot fit in the ${this.remaining} bytes left (each takes at least ${minBytes})`,
        start,
      );
    }
    return n;
  }

  /** `n` bytes as a view into the underlying buffer (no copy). */
  bytesView(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A varint length followed by that many bytes, as a view. */
  varBytes(what: string): Uint8Array {
    const start = this.pos;
    const n = this.varint(`${what} length`);
    if (n > this.remaining) {
      throw new DataError(
        `truncated ${this.kind}: ${this.describe(what)} claims ${n} bytes at offset ${start}, ${this.remaining} left`,
        start,
      );
    }
    return this.bytesView(n, what);
  }

  /** Skips `n` bytes (bounds checked); returns where they start. */
  skip(n: number, what: string): number {
    this.need(n, what);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /**
   * varBytes without the view: skips a varint length and that many bytes, returns the length (the
   * bytes start at pos - length). `lengthWhat` is spelled out by the caller so no string is built.
   */
  skipVarBytes(what: string, lengthWhat: string): number {
    const start = this.pos;
    const n = this.varint(lengthWhat);
    if (n > this.remaining) {
      throw new DataError(
        `truncated ${this.kind}: ${this.describe(what)} claims ${n} bytes at offset ${start}, ${this.remaining} left`,
        start,
      );
    }
    this.pos += n;
    return n;
  }

  /** Everything must have been read: trailing bytes mean the framing is wrong. */
  expectEnd(after: string): void {
    if (this.pos !== this.bytes.length) {
      throw this.fail(`${this.bytes.length - this.pos} trailing bytes after ${after}`);
    }
  }
}
