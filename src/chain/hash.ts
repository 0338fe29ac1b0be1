// The one SHA-256d entry point (and hex helpers). Bitcoin hashes are sha256d; people read them
// byte-reversed ("display order"). sha256.ts is the plain TypeScript SHA-256 behind it, and
// blockHash.ts hashes a whole block at once (natively when the addon is built); everything else
// that needs a sha256d calls one of the functions here.
import { createHash, hash } from 'node:crypto';
import { DataError } from '../errors.js';
import { secondRoundInto, sha256dTsInto } from './sha256.js';

/** Below this many bytes the TypeScript SHA-256 beats a node:crypto call (its ~1 µs per call overhead). */
const SHORT = 64;

/**
 * sha256d(data[start..end)) written at out[off..off+32). The first round of a long message goes to
 * node:crypto (fast per byte), the 32-byte second round and short messages (merkle nodes) stay in
 * TypeScript (no call overhead, no allocation).
 */
export function sha256dInto(data: Uint8Array, start: number, end: number, out: Uint8Array, off: number): void {
  if (end - start <= SHORT) {
    sha256dTsInto(data, start, end, out, off);
    return;
  }
  secondRoundInto(hash('sha256', data.subarray(start, end), 'buffer'), out, off);
}

/** sha256(sha256(parts...)), hashing the parts in order without concatenating them; a fresh array. */
export function sha256d(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(32);
  if (parts.length === 1) {
    sha256dInto(parts[0]!, 0, parts[0]!.length, out, 0);
    return out;
  }
  const inner = createHash('sha256');
  for (const part of parts) inner.update(part);
  secondRoundInto(inner.digest(), out, 0);
  return out;
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
