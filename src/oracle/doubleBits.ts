// The high 32 bits of a double (sign, exponent, the top 20 mantissa bits), for the lookup tables
// of histogram.ts and microRound.ts: positive doubles order exactly as these bits do, so shifting
// off low mantissa bits numbers buckets of a fixed relative width, in ascending order.
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
/** Which of the two 32-bit words holds the high bits on this host. */
const HIGH = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;

/** The high 32 bits of x, as an unsigned number. */
export function highWord(x: number): number {
  BITS[0] = x;
  return WORDS[HIGH]!;
}

/** The double whose high 32 bits are `high` and whose low 32 bits are zero. */
export function fromHighWord(high: number): number {
  WORDS[HIGH] = high;
  WORDS[1 - HIGH] = 0;
  return BITS[0]!;
}
