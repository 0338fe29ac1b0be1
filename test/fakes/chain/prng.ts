// A small seeded PRNG (sfc32 seeded through splitmix32) so a seed always yields the same chain,
// on every machine and Node version. Math.random cannot be seeded, hence our own.

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Index chosen in proportion to the weights. */
  weighted(weights: readonly number[]): number;
  pick<T>(items: readonly T[]): T;
  /** Log-uniform in [lo, hi): amounts spread evenly across decades, as wallets' change is. */
  logUniform(lo: number, hi: number): number;
  /** Exponential with the given mean (block intervals). */
  exponential(mean: number): number;
  /** n pseudo-random bytes (signatures, keys, prev txids). */
  bytes(n: number): Uint8Array;
  fill(target: Uint8Array, start?: number, end?: number): void;
  /** An independent stream derived from this seed and a label, so adding draws in one place does not shift another. */
  fork(label: string | number): Prng;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of a string, to turn labels into seed material. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function createPrng(seed: number | string): Prng {
  const seedNum = typeof seed === 'number' ? (seed ^ Math.floor(seed / 2 ** 32)) >>> 0 : hashLabel(seed);
  const sm = splitmix32(seedNum);
  let a = sm(),
    b = sm(),
    c = sm(),
    d = sm();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32(); // discard the weak first outputs
  const rootSeed = `${seedNum}`;
  // Views into a shared slab: hundreds of thousands of small ArrayBuffers would spend most of the
  // generation time in the garbage collector.
  let slab = new Uint8Array(0);
  let slabUsed = 0;

  const prng: Prng = {
    next: () => u32() / 4294967296,
    int: (lo, hi) => lo + Math.floor((u32() / 4294967296) * (hi - lo + 1)),
    chance: (p) => u32() / 4294967296 < p,
    weighted(weights) {
      let total = 0;
      for (const w of weights) total += w;
      let r = prng.next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i]!;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    pick: (items) => items[Math.floor((u32() / 4294967296) * items.length)]!,
    logUniform: (lo, hi) => Math.exp(Math.log(lo) + prng.next() * (Math.log(hi) - Math.log(lo))),
    exponential: (mean) => -Math.log(1 - prng.next()) * mean,
    bytes(n) {
      if (slabUsed + n > slab.length) {
        slab = new Uint8Array(Math.max(n, 1 << 18));
        slabUsed = 0;
      }
      const out = slab.subarray(slabUsed, slabUsed + n);
      slabUsed += n;
      prng.fill(out);
      return out;
    },
    fill(target, start = 0, end = target.length) {
      let i = start;
      for (; i + 4 <= end; i += 4) {
        const v = u32();
        target[i] = v & 0xff;
        target[i + 1] = (v >>> 8) & 0xff;
        target[i + 2] = (v >>> 16) & 0xff;
        target[i + 3] = v >>> 24;
      }
      if (i < end) {
        let v = u32();
        for (; i < end; i++, v >>>= 8) target[i] = v & 0xff;
      }
    },
    fork: (label) => createPrng(`${rootSeed}/${label}`),
  };
  return prng;
}
