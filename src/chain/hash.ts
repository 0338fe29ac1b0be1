// Hashing and hex helpers. Bitcoin hashes are sha256d; people read them byte-reversed ("display order").
import { createHash, hash } from 'node:crypto';
import { DataError } from '../errors.js';
import { secondRoundInto } from './sha256.js';

/** sha256(sha256(parts...)), hashing the parts in order without concatenating them. */
export function sha256d(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return sha256dOne(parts[0]!);
  const inner = createHash('sha256');
  for (const part of parts) inner.update(part);
  return sha256Bytes(inner.digest());
}

/**
 * sha256d of one byte range. The one-shot crypto.hash (Node >= 20.12) costs about half of a
 * createHash object per call, and a block needs thousands of these (txids, merkle nodes).
 */
export function sha256dOne(data: Uint8Array): Uint8Array {
  // First round natively (fast per byte), the 32-byte second round in TypeScript (no call overhead).
  const out = new Uint8Array(32);
  secondRoundInto(hash('sha256', data, 'buffer'), out, 0);
  return out;
}

/** sha256 of already-hashed bytes, as a plain Uint8Array view (not a Buffer, so equality checks are simple). */
export function sha256Bytes(data: Uint8Array): Uint8Array {
  const out = hash('sha256', data, 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Hex of the bytes in reverse order: internal (little-endian) hash -> the form explorers print. */
export function toDisplayHex(le: Uint8Array): string {
  let out = '';
  for (let i = le.length - 1; i >= 0; i--) out += HEX[le[i]!];
  return out;
}

/** Hex of the bytes in their own order. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/** Plain hex -> bytes, in the same order. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new DataError(`not a hex string (need an even number of 0-9a-f digits): "${preview(hex)}"`);
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Display-order hex (as printed by getblock, explorers) -> internal byte order. */
export function fromDisplayHex(hex: string): Uint8Array {
  return fromHex(hex).reverse();
}

function preview(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
