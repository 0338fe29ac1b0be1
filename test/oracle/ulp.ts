// The neighbouring doubles of a positive double: the probes that catch an off-by-one-ulp bound.
const bits = new Float64Array(1);
const ubits = new BigUint64Array(bits.buffer);

/** The next double above (dir 1) or below (dir -1) a positive x. */
export function ulpStep(x: number, dir: 1 | -1): number {
  bits[0] = x;
  ubits[0]! += BigInt(dir);
  return bits[0];
}
