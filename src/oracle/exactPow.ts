// Correctly rounded pow(base, exponent) for positive finite doubles, computed with BigInt fixed point.
//
// Why: the reference (CPython) calls the C library's pow(), and V8's `**` / Math.pow differ from
// it in the last bit for hundreds of the oracle's bin edges and stencil values. glibc's pow is
// almost always correctly rounded, so the exact value rounded to the nearest double reproduces it
// (the few edges where glibc is off are handled by their callers, see binEdges.ts).
//
// Method: base^x = exp(x * ln(base)) with both doubles taken as exact binary rationals,
// ln and exp evaluated in fixed point with `bits` fractional bits, then rounded half-even to 53
// bits. If the discarded bits are too close to a rounding midpoint to be sure (never seen at 256
// bits for the oracle's inputs), the computation is repeated with twice the precision.

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
const MANT_BITS = 52n;
const MANT_MASK = (1n << MANT_BITS) - 1n;

/** A positive finite double as exactly `m * 2^e` with m an integer. */
function decompose(x: number): { m: bigint; e: number } {
  F64[0] = x;
  const bits = U64[0]!;
  const biased = Number((bits >> MANT_BITS) & 0x7ffn);
  const frac = bits & MANT_MASK;
  if (biased === 0) return { m: frac, e: -1074 }; // subnormal
  return { m: frac | (1n << MANT_BITS), e: biased - 1075 };
}

/** Build the double mant * 2^(exp2) where 2^52 <= mant < 2^53 (normal range only). */
function compose(mant: bigint, exp2: number): number {
  const biased = exp2 + 52 + 1023;
  if (biased <= 0 || biased >= 0x7ff)
    throw new RangeError(`exactPow: result out of normal double range (2^${exp2 + 52})`);
  U64[0] = (BigInt(biased) << MANT_BITS) | (mant & MANT_MASK);
  return F64[0]!;
}

/** atanh(num/den) in fixed point (`bits` fraction bits), for 0 <= num/den <= 1/3. */
function atanhFixed(numFixed: bigint, bits: bigint): bigint {
  // numFixed = z * 2^bits; sum z^(2k+1)/(2k+1)
  const z2 = (numFixed * numFixed) >> bits;
  let power = numFixed;
  let sum = 0n;
  for (let k = 1n; power !== 0n; k += 2n) {
    sum += power / k;
    power = (power * z2) >> bits;
  }
  return sum;
}

const ln2Cache = new Map<bigint, bigint>();
function ln2Fixed(bits: bigint): bigint {
  let v = ln2Cache.get(bits);
  if (v === undefined) {
    v = 2n * atanhFixed((1n << bits) / 3n, bits); // ln 2 = 2 atanh(1/3)
    ln2Cache.set(bits, v);
  }
  return v;
}

const lnCache = new Map<string, bigint>();
/** ln(x) of a positive double, in fixed point. */
function lnFixed(x: number, bits: bigint): bigint {
  const key = `${x}/${bits}`;
  const hit = lnCache.get(key);
  if (hit !== undefined) return hit;
  const { m, e } = decompose(x);
  // m = 2^j * u with u in [1,2): ln x = (e + j) ln2 + 2 atanh((u-1)/(u+1))
  const j = m.toString(2).length - 1;
  const pj = 1n << BigInt(j);
  const z = ((m - pj) << bits) / (m + pj);
  const v = BigInt(e + j) * ln2Fixed(bits) + 2n * atanhFixed(z, bits);
  lnCache.set(key, v);
  return v;
}

/** Floor division for bigints (BigInt `/` truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

function powAt(base: number, exponent: number, bits: bigint): number | undefined {
  const { m, e } = decompose(Math.abs(exponent));
  const sign = exponent < 0 ? -1n : 1n;
  // y = exponent * ln(base), fixed point
  let y = sign * m * lnFixed(base, bits);
  y = e >= 0 ? y << BigInt(e) : floorDiv(y, 1n << BigInt(-e));
  const ln2 = ln2Fixed(bits);
  const q = floorDiv(y, ln2);
  const r = y - q * ln2; // 0 <= r < ln 2
  const one = 1n << bits;
  let term = one;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n++) {
    sum += term;
    term = (term * r) >> bits;
    term /= n;
  }
  // sum = exp(r) * 2^bits in [2^bits, 2^(bits+1)); keep 53 bits, round half-even.
  const shift = bits - MANT_BITS;
  let mant = sum >> shift;
  const rem = sum & ((1n << shift) - 1n);
  const half = 1n << (shift - 1n);
  const guard = 1n << (shift / 2n); // far above the accumulated error (a few hundred units)
  const dist = rem > half ? rem - half : half - rem;
  if (dist < guard && rem !== 0n) return undefined; // too close to call at this precision
  if (rem > half || (rem === half && (mant & 1n) === 1n)) mant += 1n;
  let exp2 = Number(q) - 52;
  if (mant === 1n << 53n) {
    mant >>= 1n;
    exp2 += 1;
  }
  return compose(mant, exp2);
}

/** base ** exponent rounded to nearest (ties to even), for finite base > 0 and finite exponent. */
export function exactPow(base: number, exponent: number): number {
  if (!(base > 0) || !Number.isFinite(base) || !Number.isFinite(exponent)) {
    throw new RangeError(`exactPow: need a finite base > 0 and a finite exponent, got ${base} ** ${exponent}`);
  }
  if (exponent === 0 || base === 1) return 1;
  for (let bits = 256n; bits <= 4096n; bits *= 2n) {
    const v = powAt(base, exponent, bits);
    if (v !== undefined) return v;
  }
  throw new RangeError(`exactPow: could not round ${base} ** ${exponent}`);
}
