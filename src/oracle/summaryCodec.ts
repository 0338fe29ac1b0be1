// Bytes for a BlockSummary, so the analyze job can cache one per block and a run ten minutes
// later re-parses nothing. Little-endian, versioned by the magic:
//
//   "UXS1" | height u32 | time u32 | hash 32 (display order) | txCount u32 | txids 32*txCount
//   | candidateCount u32 | per candidate: txIndex u32, inputCount u8, amountCount u8,
//     inputTxids 32*inputCount, amounts f64*amountCount
//
// Amounts are stored as the exact doubles, so a decoded summary gives bit-identical results.

import { DataError } from '../errors.js';
import { type BlockSummary, type Candidate, TXID_BYTES } from './outputs.js';

const MAGIC = 'UXS1';
const HASH_BYTES = 32;

export function encodeSummary(s: BlockSummary): Uint8Array {
  const txCount = s.txids.length / TXID_BYTES;
  let size = 4 + 4 + 4 + HASH_BYTES + 4 + s.txids.length + 4;
  for (const c of s.candidates) size += 4 + 1 + 1 + c.inputTxids.length + 8 * c.amounts.length;
  const buf = Buffer.alloc(size);
  let o = buf.write(MAGIC, 0, 'latin1');
  o = buf.writeUInt32LE(s.height, o);
  o = buf.writeUInt32LE(s.time, o);
  if (!/^[0-9a-f]{64}$/.test(s.hash)) throw new DataError(`block summary hash must be 64 lowercase hex digits, got "${s.hash}"`);
  o += buf.write(s.hash, o, 'hex');
  o = buf.writeUInt32LE(txCount, o);
  buf.set(s.txids, o);
  o += s.txids.length;
  o = buf.writeUInt32LE(s.candidates.length, o);
  for (const c of s.candidates) {
    o = buf.writeUInt32LE(c.txIndex, o);
    o = buf.writeUInt8(c.inputTxids.length / TXID_BYTES, o);
    o = buf.writeUInt8(c.amounts.length, o);
    buf.set(c.inputTxids, o);
    o += c.inputTxids.length;
    for (const a of c.amounts) o = buf.writeDoubleLE(a, o);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** Decode and validate; a truncated, padded or inconsistent record is a DataError. */
export function decodeSummary(bytes: Uint8Array): BlockSummary {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const need = (n: number, what: string): void => {
    if (o + n > buf.length) throw new DataError(`block summary truncated reading ${what} (${buf.length} bytes)`, o);
  };
  need(4, 'magic');
  const magic = buf.toString('latin1', 0, 4);
  if (magic !== MAGIC) throw new DataError(`not a block summary (magic "${magic}", want "${MAGIC}")`, 0);
  o = 4;
  need(12 + HASH_BYTES, 'header');
  const height = buf.readUInt32LE(o);
  const time = buf.readUInt32LE(o + 4);
  const hash = buf.toString('hex', o + 8, o + 8 + HASH_BYTES);
  o += 8 + HASH_BYTES;
  const txCount = buf.readUInt32LE(o);
  o += 4;
  need(txCount * TXID_BYTES, 'txids');
  // Views into the decoded bytes, not copies: a summary owns its buffer (callers pass a fresh one).
  const txids = new Uint8Array(buf.buffer, buf.byteOffset + o, txCount * TXID_BYTES);
  o += txids.length;
  need(4, 'candidate count');
  const count = buf.readUInt32LE(o);
  o += 4;
  const candidates: Candidate[] = [];
  let lastIndex = -1;
  for (let i = 0; i < count; i++) {
    need(6, `candidate ${i}`);
    const txIndex = buf.readUInt32LE(o);
    const inputs = buf.readUInt8(o + 4);
    const amountCount = buf.readUInt8(o + 5);
    o += 6;
    if (txIndex <= lastIndex || txIndex >= txCount) throw new DataError(`block summary candidate ${i} has tx index ${txIndex} out of order or range`, o);
    if (inputs < 1 || inputs > 5 || amountCount < 1 || amountCount > 2) throw new DataError(`block summary candidate ${i} has ${inputs} inputs and ${amountCount} amounts`, o);
    lastIndex = txIndex;
    need(inputs * TXID_BYTES + amountCount * 8, `candidate ${i}`);
    const inputTxids = new Uint8Array(buf.buffer, buf.byteOffset + o, inputs * TXID_BYTES);
    o += inputTxids.length;
    const amounts: number[] = [];
    for (let k = 0; k < amountCount; k++, o += 8) {
      const a = buf.readDoubleLE(o);
      if (!(1e-5 < a && a < 1e5)) throw new DataError(`block summary candidate ${i} has amount ${a} outside (1e-5, 1e5)`, o);
      amounts.push(a);
    }
    candidates.push({ txIndex, inputTxids, amounts });
  }
  if (o !== buf.length) throw new DataError(`block summary has ${buf.length - o} trailing bytes`, o);
  return { height, hash, time, txids, candidates };
}
