// Little-endian numbers out of a cache entry's bytes, as typed arrays.

/** Typed-array views read in the host's byte order; the entries are little-endian. */
const HOST_LE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

interface NumberArray<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** `n` little-endian numbers at bytes[o..]: a view when the host is little-endian and the bytes are aligned for one, else a decoded copy. */
function numbersAt<T extends Float64Array | Int32Array | Uint32Array>(
  Kind: NumberArray<T>,
  read: (v: DataView, at: number) => number,
  bytes: Uint8Array,
  o: number,
  n: number,
): T {
  const at = bytes.byteOffset + o;
  const width = Kind.BYTES_PER_ELEMENT;
  if (HOST_LE && at % width === 0) return new Kind(bytes.buffer, at, n);
  const view = new DataView(bytes.buffer, at, width * n);
  const out = new Kind(n);
  for (let i = 0; i < n; i++) out[i] = read(view, width * i);
  return out;
}

export const f64At = (bytes: Uint8Array, o: number, n: number) =>
  numbersAt(Float64Array, (v, at) => v.getFloat64(at, true), bytes, o, n);
export const i32At = (bytes: Uint8Array, o: number, n: number) =>
  numbersAt(Int32Array, (v, at) => v.getInt32(at, true), bytes, o, n);
export const u32At = (bytes: Uint8Array, o: number, n: number) =>
  numbersAt(Uint32Array, (v, at) => v.getUint32(at, true), bytes, o, n);
