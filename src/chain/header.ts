// The 80-byte block header: version, previous hash, merkle root, time, bits, nonce.
import { ByteReader } from './reader.js';
import { sha256d, toDisplayHex } from './hash.js';
import type { BlockHeader } from './types.js';

export const HEADER_BYTES = 80;

/** The header from the first 80 bytes (anything after them is ignored here). */
export function parseBlockHeader(bytes: Uint8Array): BlockHeader {
  return readHeader(new ByteReader(bytes, 'block header'));
}

/** The header at the reader's position; its hash is sha256d of its 80 bytes. */
export function readHeader(r: ByteReader): BlockHeader {
  const start = r.pos;
  const version = r.i32('header version');
  const prev = r.bytesView(32, 'header prev hash');
  const merkle = r.bytesView(32, 'header merkle root');
  const time = r.u32('header time');
  const bits = r.u32('header bits');
  const nonce = r.u32('header nonce');
  const hash = toDisplayHex(sha256d(r.bytes.subarray(start, start + HEADER_BYTES)));
  return { version, prevHash: toDisplayHex(prev), merkleRoot: toDisplayHex(merkle), time, bits, nonce, hash };
}
