// A block made up for the native addon's self-test (nativeHash.ts): deterministic bytes that lay out
// as a valid block — a segwit coinbase, legacy and segwit transactions with 0 to 300 inputs and
// outputs (one- and three-byte counts), scripts and witness items of many lengths, an odd number of
// transactions (the merkle tree duplicates its last node) — so the addon's layout and hashes can be
// held to the TypeScript path's before the addon is trusted. Not a consensus-valid block (no proof
// of work, made-up prevouts, an unchecked merkle root): only its framing matters here.

/** A small deterministic generator (xorshift32): the same bytes on every machine. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

class Bytes {
  private readonly parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u32(v: number): this {
    for (let i = 0; i < 4; i++) this.u8(v >>> (8 * i));
    return this;
  }
  u64(v: number): this {
    this.u32(v % 2 ** 32);
    return this.u32(Math.floor(v / 2 ** 32));
  }
  varint(n: number): this {
    if (n < 0xfd) return this.u8(n);
    if (n <= 0xffff)
      return this.u8(0xfd)
        .u8(n)
        .u8(n >>> 8);
    return this.u8(0xfe).u32(n);
  }
  random(len: number, r: (n: number) => number): this {
    for (let i = 0; i < len; i++) this.u8(r(256));
    return this;
  }
  zeros(len: number): this {
    for (let i = 0; i < len; i++) this.u8(0);
    return this;
  }
  push(b: Bytes): this {
    this.parts.push(...b.parts);
    return this;
  }
  get bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const MAX_SATS = 21_000_000 * 1e8;

function tx(r: (n: number) => number, o: { inputs: number; outputs: number; segwit: boolean; coinbase?: boolean }) {
  const t = new Bytes().u32(1 + r(2));
  if (o.segwit) t.u8(0).u8(1);
  t.varint(o.inputs);
  for (let i = 0; i < o.inputs; i++) {
    if (o.coinbase)
      t.zeros(32).u32(0xffffffff); // the null prevout
    else t.random(32, r).u32(r(8));
    const script = o.coinbase ? 4 + r(20) : r(5) === 0 ? 0 : r(108);
    t.varint(script)
      .random(script, r)
      .u32(0xfffffffd + r(3));
  }
  t.varint(o.outputs);
  for (let i = 0; i < o.outputs; i++) {
    const script = r(4) === 0 ? 0 : r(40);
    t.u64(r(3) === 0 ? 0 : Math.floor((r(2 ** 30) / 2 ** 30) * MAX_SATS))
      .varint(script)
      .random(script, r);
  }
  if (o.segwit) {
    for (let i = 0; i < o.inputs; i++) {
      // The coinbase carries the 32-byte witness reserved value; others 0..3 items, some empty.
      const items = o.coinbase ? 1 : i === 0 ? 1 + r(3) : r(4);
      t.varint(items);
      for (let k = 0; k < items; k++) {
        const len = o.coinbase ? 32 : i === 0 && k === 0 ? 1 + r(80) : r(81);
        t.varint(len).random(len, r);
      }
    }
  }
  return t.u32(r(2) === 0 ? 0 : r(2 ** 31));
}

/** The self-test block: 41 transactions, about 40 KB. */
export function selfTestBlock(): Uint8Array {
  const r = rng(0x5eed);
  const b = new Bytes()
    .u32(0x20000000)
    .random(32, r)
    .random(32, r)
    .u32(1_700_000_000)
    .u32(0x1d00ffff)
    .u32(r(2 ** 31));
  const count = 41;
  b.varint(count);
  b.push(tx(r, { inputs: 1, outputs: 2, segwit: true, coinbase: true }));
  for (let i = 1; i < count; i++) {
    const big = i === 7 ? 300 : i === 19 ? 253 : 0;
    b.push(
      tx(r, {
        inputs: i === 7 ? big : 1 + r(4),
        outputs: i === 19 ? big : 1 + r(5),
        segwit: i % 3 !== 0,
      }),
    );
  }
  return b.bytes;
}
