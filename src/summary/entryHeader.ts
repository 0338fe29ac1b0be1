// A cache entry's header and where its sections are (the layout is described in codec.ts): the
// one place the header's fields and offsets are named, and what tells an entry of another version
// (format or candidate rules) from a damaged one.
import { DataError } from '../errors.js';
import { MAX_AMOUNTS, MAX_INPUTS, RULES_VERSION } from './candidateRule.js';
import { TXID_BYTES } from './types.js';

/** The format; a different layout of these bytes gets a different magic. */
export const MAGIC = 'UXS5';
/** Byte offsets of the header's fields, the one place they are named (u32 each unless noted). */
export const FIELD = {
  magic: 0, // 4 latin1 bytes
  height: 4,
  time: 8,
  hash: 12, // 32 bytes, display order
  txCount: 44,
  candidateCount: 48,
  amountCount: 52,
  inputCount: 56,
  resolvedFrom: 60,
  rulesVersion: 64,
  prefixSum: 68, // the sums come last: the prefix sum covers every field before them
  keysSum: 72,
  restSum: 76,
} as const;
export const HEADER_BYTES = 80;
const HASH_BYTES = 32;

export interface Header {
  height: number;
  time: number;
  hash: string;
  txCount: number;
  candidateCount: number;
  amountCount: number;
  inputCount: number;
  resolvedFrom: number;
  rulesVersion: number;
  prefixSum: number;
  keysSum: number;
  restSum: number;
}

export function offsets(h: Pick<Header, 'txCount' | 'candidateCount' | 'amountCount' | 'inputCount'>) {
  const fundedFrom = HEADER_BYTES + 8 * h.amountCount;
  const keys = fundedFrom + 4 * h.amountCount;
  const txIndex = keys + 4 * h.txCount;
  const inputCounts = txIndex + 4 * h.candidateCount;
  const amountCounts = inputCounts + h.candidateCount;
  const inputTxids = amountCounts + h.candidateCount;
  const txids = inputTxids + TXID_BYTES * h.inputCount;
  return {
    fundedFrom,
    keys,
    txIndex,
    inputCounts,
    amountCounts,
    inputTxids,
    txids,
    end: txids + TXID_BYTES * h.txCount,
  };
}

export function truncated(what: string, have: number): DataError {
  return new DataError(`block summary truncated reading ${what} (${have} bytes)`, have);
}

/** The header's fields as written, unchecked (bytes holds at least HEADER_BYTES). */
export function headerFields(bytes: Uint8Array): Header {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (o: number) => buf.readUInt32LE(o);
  return {
    height: u32(FIELD.height),
    time: u32(FIELD.time),
    hash: buf.toString('hex', FIELD.hash, FIELD.hash + HASH_BYTES),
    txCount: u32(FIELD.txCount),
    candidateCount: u32(FIELD.candidateCount),
    amountCount: u32(FIELD.amountCount),
    inputCount: u32(FIELD.inputCount),
    resolvedFrom: u32(FIELD.resolvedFrom),
    rulesVersion: u32(FIELD.rulesVersion),
    prefixSum: u32(FIELD.prefixSum),
    keysSum: u32(FIELD.keysSum),
    restSum: u32(FIELD.restSum),
  };
}

/**
 * Whether the bytes start like a summary of another version (an older or newer format, or the
 * current format drawn under other candidate rules): not damage, just to be summarised again.
 */
export function isOtherVersion(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const magic = Buffer.from(head.buffer, head.byteOffset, 4).toString('latin1');
  if (magic !== MAGIC) return /^UXS[0-9]$/.test(magic);
  if (head.length < FIELD.rulesVersion + 4) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return view.getUint32(FIELD.rulesVersion, true) !== RULES_VERSION;
}

/** The header, checked; `bytes` may be just the header, the amounts prefix, or the whole entry. */
export function decodeHeader(bytes: Uint8Array): Header & { length: number; prefixLength: number } {
  if (bytes.length < HEADER_BYTES) throw truncated('header', bytes.length);
  const magic = Buffer.from(bytes.buffer, bytes.byteOffset, 4).toString('latin1');
  if (magic !== MAGIC) throw new DataError(`not a block summary (magic "${magic}", want "${MAGIC}")`, 0);
  const h = headerFields(bytes);
  if (h.rulesVersion !== RULES_VERSION)
    throw new DataError(
      `block summary was drawn with candidate rules version ${h.rulesVersion}, this is version ${RULES_VERSION}`,
      FIELD.rulesVersion,
    );
  const { candidateCount: c, amountCount: a, inputCount: n } = h;
  if (c > h.txCount || a < c || a > MAX_AMOUNTS * c || n < c || n > MAX_INPUTS * c) {
    throw new DataError(
      `block summary counts are inconsistent: ${h.txCount} txs, ${c} candidates, ${a} amounts, ${n} inputs`,
      FIELD.txCount,
    );
  }
  if (h.resolvedFrom > h.height + 1)
    throw new DataError(`block summary resolved from ${h.resolvedFrom}, past block ${h.height}`, FIELD.resolvedFrom);
  const at = offsets(h);
  return { ...h, length: at.end, prefixLength: at.keys };
}
