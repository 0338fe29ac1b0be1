// SHA-256 (FIPS 180-4) in plain TypeScript, for the many tiny hashes a block needs: merkle nodes
// (64 bytes), second rounds of sha256d (32 bytes) and segwit txids (three byte ranges). node:crypto
// is faster per byte, but each call costs about a microsecond and an allocation; a block has
// ~20,000 such hashes, and this writes into caller-owned arrays with no allocation at all.
// The tests check it against node:crypto on every length across the padding boundaries.

// First 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4 §4.2.2).
// Int32Array throughout: V8 keeps int32 values unboxed, while Uint32Array reads above 2^31 become
// doubles (measured: 0.42 -> 0.32 us per compression).
const K = Int32Array.of(
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
);

// First 32 bits of the fractional parts of the square roots of the first 8 primes (§5.3.3).
const IV = Int32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
);

const W = new Int32Array(64);

/** The message schedule: W[16..63] from W[0..15]. */
function expand(w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
}

/** The 64 rounds over a full schedule, added into `state`. */
function rounds(state: Int32Array, w: Int32Array): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** One compression of the 64-byte block at `bytes[off..off+64)` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++, off += 4) {
    W[i] = (bytes[off]! << 24) | (bytes[off + 1]! << 16) | (bytes[off + 2]! << 8) | bytes[off + 3]!;
  }
  expand(W);
  rounds(state, W);
}

/** The padding block of a 64-byte message is always the same, and so is its schedule. */
const PAD64 = (() => {
  const w = new Int32Array(64);
  w[0] = 0x80000000 | 0;
  w[15] = 512;
  expand(w);
  return w;
})();

/** An incremental SHA-256 that reuses its buffers; `reset()` before each message. */
export class Sha256 {
  private readonly state = new Int32Array(8);
  private readonly block = new Uint8Array(64);
  private fill = 0;
  private length = 0;

  constructor() {
    this.reset();
  }

  reset(): this {
    this.state.set(IV);
    this.fill = 0;
    this.length = 0;
    return this;
  }

  update(data: Uint8Array, start = 0, end = data.length): this {
    this.length += end - start;
    let i = start;
    if (this.fill > 0) {
      const take = Math.min(64 - this.fill, end - i);
      this.block.set(data.subarray(i, i + take), this.fill);
      this.fill += take;
      i += take;
      if (this.fill < 64) return this;
      compress(this.state, this.block, 0);
      this.fill = 0;
    }
    // Whole blocks straight from the caller's bytes: no copy.
    for (; end - i >= 64; i += 64) compress(this.state, data, i);
    if (i < end) {
      this.block.set(data.subarray(i, end), 0);
      this.fill = end - i;
    }
    return this;
  }

  /** Writes the 32-byte digest at out[off..off+32). */
  digestInto(out: Uint8Array, off = 0): void {
    const bits = this.length * 8;
    const blk = this.block;
    blk[this.fill++] = 0x80;
    if (this.fill > 56) {
      blk.fill(0, this.fill);
      compress(this.state, blk, 0);
      this.fill = 0;
    }
    blk.fill(0, this.fill, 56);
    // Message length in bits, big-endian, in the last 8 bytes (lengths here stay far below 2^53).
    const hi = Math.floor(bits / 0x1_0000_0000);
    const lo = bits >>> 0;
    blk[56] = hi >>> 24;
    blk[57] = hi >>> 16;
    blk[58] = hi >>> 8;
    blk[59] = hi;
    blk[60] = lo >>> 24;
    blk[61] = lo >>> 16;
    blk[62] = lo >>> 8;
    blk[63] = lo;
    compress(this.state, blk, 0);
    for (let k = 0; k < 8; k++) {
      const v = this.state[k]!;
      out[off + 4 * k] = v >>> 24;
      out[off + 4 * k + 1] = v >>> 16;
      out[off + 4 * k + 2] = v >>> 8;
      out[off + 4 * k + 3] = v;
    }
  }
}

const inner = new Sha256();
const mid = new Uint8Array(32);
const S = new Int32Array(8);

/** sha256 of the 32-byte message whose words are `s` (a first round's state), written at out[off..). */
function secondFromState(s: Int32Array, out: Uint8Array, off: number): void {
  for (let k = 0; k < 8; k++) W[k] = s[k]!;
  W[8] = 0x80000000 | 0;
  for (let k = 9; k < 15; k++) W[k] = 0;
  W[15] = 256;
  expand(W);
  s.set(IV);
  rounds(s, W);
  for (let k = 0; k < 8; k++) {
    const v = s[k]!;
    out[off + 4 * k] = v >>> 24;
    out[off + 4 * k + 1] = v >>> 16;
    out[off + 4 * k + 2] = v >>> 8;
    out[off + 4 * k + 3] = v;
  }
}

/**
 * sha256(sha256(data[start..end))) written at out[off..off+32), all in TypeScript (hash.ts's
 * sha256dInto is the entry point; it sends long messages to node:crypto). A 64-byte message (a
 * merkle node, the most common case) takes a shortcut: its padding block's schedule is a constant
 * and the first digest goes to the second round as words, never as bytes.
 */
export function sha256dTsInto(data: Uint8Array, start: number, end: number, out: Uint8Array, off: number): void {
  if (end - start === 64) {
    S.set(IV);
    compress(S, data, start);
    rounds(S, PAD64);
    secondFromState(S, out, off);
    return;
  }
  inner.reset().update(data, start, end).digestInto(mid, 0);
  secondRoundInto(mid, out, off);
}

/** sha256 of 32 bytes (a finished first round) written at out[off..off+32): the second round of sha256d. */
export function secondRoundInto(first: Uint8Array, out: Uint8Array, off: number): void {
  for (let k = 0; k < 8; k++)
    S[k] = (first[4 * k]! << 24) | (first[4 * k + 1]! << 16) | (first[4 * k + 2]! << 8) | first[4 * k + 3]!;
  secondFromState(S, out, off);
}
