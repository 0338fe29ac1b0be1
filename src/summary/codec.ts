// Bytes for a block summary and its same-day resolution, so the analyze job caches one file per
// block and a run ten minutes later neither re-parses nor re-indexes anything. Little-endian;
// the magic names the format, rulesVersion the candidate rule the summary was drawn with
// (candidateRule.ts), and an entry of either kind from another version is summarised again. The
// part a run usually needs comes first, so it can read just that:
//
//   header (HEADER_BYTES): the fields of FIELD (entryHeader.ts), in that order
//     (the sums are the first 4 bytes of a SHA-256: prefixSum over the header before the sums and
//      the amounts and funding, keysSum over the keys, restSum over everything after them; a
//      flipped bit on disk is a damaged entry, fetched again, never a different price)
//   amounts      f64 * amountCount   (the exact doubles: a decoded summary gives bit-identical prices)
//   fundedFrom   i32 * amountCount   (per amount, see Funding; -1 = none)
//   -- the prefix above is all a window that the resolution covers reads (prefixLength) --
//   keys         u32 * txCount       (each txid's first 4 bytes: what a later block's resolution
//                                     scans; a full txid is read only on a match)
//   txIndex      u32 * candidateCount
//   inputCounts  u8  * candidateCount
//   amountCounts u8  * candidateCount
//   inputTxids   32  * inputCount      (per candidate, in candidate order)
//   txids        32  * txCount         (every transaction of the block, in order)

import { createHash } from 'node:crypto';
import { DataError } from '../errors.js';
import { MAX_AMOUNTS, MAX_INPUTS, RULES_VERSION, isKeptBtc } from './candidateRule.js';
import {
  FIELD,
  HEADER_BYTES,
  MAGIC,
  decodeHeader,
  headerFields,
  offsets,
  truncated,
  type Header,
} from './entryHeader.js';
import { f64At, i32At, u32At } from './littleEndian.js';
import {
  TXID_BYTES,
  unresolved,
  type BlockAmounts,
  type BlockSummary,
  type Candidate,
  type Funding,
  type ResolvableBlock,
} from './types.js';

/** Header bytes covered by the prefix sum: everything before the sums. */
const SUMMED_HEADER = FIELD.prefixSum;

/** A 32-bit check of the given byte ranges of `bytes` (the first 4 bytes of their SHA-256, LE). */
function checksum(bytes: Uint8Array, ...ranges: [number, number][]): number {
  const h = createHash('sha256');
  for (const [from, to] of ranges) h.update(bytes.subarray(from, to));
  return h.digest().readUInt32LE(0);
}

const prefixSumOf = (bytes: Uint8Array, keysAt: number) => checksum(bytes, [0, SUMMED_HEADER], [HEADER_BYTES, keysAt]);

/** Recomputes an entry's checksums (encodeSummary does; tests use it to forge consistent entries). */
export function sealEntry(bytes: Uint8Array): void {
  writeSums(bytes, offsets(headerFields(bytes)));
}

function writeSums(bytes: Uint8Array, at: ReturnType<typeof offsets>): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(FIELD.prefixSum, prefixSumOf(bytes, at.keys), true);
  view.setUint32(FIELD.keysSum, checksum(bytes, [at.keys, at.txIndex]), true);
  view.setUint32(FIELD.restSum, checksum(bytes, [at.txIndex, at.end]), true);
}

function sumError(what: string, offset: number): DataError {
  return new DataError(`block summary ${what} fails its checksum (damaged on disk?)`, offset);
}

export function encodeSummary(s: BlockSummary, funding: Funding = unresolved(s)): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(s.hash))
    throw new DataError(`block summary hash must be 64 lowercase hex digits, got "${s.hash}"`);
  if (funding.perCandidate.length !== s.candidates.length)
    throw new DataError(
      `block ${s.height}: ${funding.perCandidate.length} funding heights for ${s.candidates.length} candidates`,
    );
  const amountCount = s.candidates.reduce((n, c) => n + c.amounts.length, 0);
  const inputCount = s.candidates.reduce((n, c) => n + c.inputTxids.length / TXID_BYTES, 0);
  const h = { txCount: s.txids.length / TXID_BYTES, candidateCount: s.candidates.length, amountCount, inputCount };
  const at = offsets(h);
  // A fresh ArrayBuffer (offset 0, so every section is aligned), written through a DataView:
  // Buffer's write methods cost ~2 ms a block in the parser threads.
  const bytes = new Uint8Array(at.end);
  const view = new DataView(bytes.buffer);
  bytes.set(Buffer.from(MAGIC, 'latin1'), FIELD.magic);
  view.setUint32(FIELD.height, s.height, true);
  view.setUint32(FIELD.time, s.time, true);
  bytes.set(Buffer.from(s.hash, 'hex'), FIELD.hash);
  view.setUint32(FIELD.txCount, h.txCount, true);
  view.setUint32(FIELD.candidateCount, h.candidateCount, true);
  view.setUint32(FIELD.amountCount, amountCount, true);
  view.setUint32(FIELD.inputCount, inputCount, true);
  view.setUint32(FIELD.resolvedFrom, funding.resolvedFrom, true);
  view.setUint32(FIELD.rulesVersion, RULES_VERSION, true);
  let a = 0;
  let input = at.inputTxids;
  for (let i = 0; i < s.candidates.length; i++) {
    const c = s.candidates[i]!;
    for (const amount of c.amounts) {
      view.setFloat64(HEADER_BYTES + 8 * a, amount, true);
      view.setInt32(at.fundedFrom + 4 * a, funding.perCandidate[i]!, true);
      a++;
    }
    view.setUint32(at.txIndex + 4 * i, c.txIndex, true);
    bytes[at.inputCounts + i] = c.inputTxids.length / TXID_BYTES;
    bytes[at.amountCounts + i] = c.amounts.length;
    bytes.set(c.inputTxids, input);
    input += c.inputTxids.length;
  }
  bytes.set(s.txids, at.txids);
  for (let j = 0; j < h.txCount; j++)
    view.setUint32(at.keys + 4 * j, view.getUint32(at.txids + TXID_BYTES * j, true), true);
  writeSums(bytes, at);
  return bytes;
}

/** A block's amounts and funding heights, named by the header they were read with. */
function blockAmounts(h: Header, amounts: Float64Array, fundedFrom: Int32Array): BlockAmounts {
  return {
    height: h.height,
    hash: h.hash,
    time: h.time,
    txCount: h.txCount,
    amounts,
    fundedFrom,
    resolvedFrom: h.resolvedFrom,
  };
}

/**
 * The amounts and their funding heights, from the entry's prefix (or the whole entry), checked:
 * every amount in the oracle's range, every funding height -1 or inside [resolvedFrom, height].
 * Views into `bytes`, not copies: the caller passes bytes it owns.
 */
export function decodeAmounts(bytes: Uint8Array): BlockAmounts {
  return amountsWith(decodeHeader(bytes), bytes, true);
}

function amountsWith(h: Header & { prefixLength: number }, bytes: Uint8Array, sums: boolean): BlockAmounts {
  if (bytes.length < h.prefixLength) throw truncated('amounts', bytes.length);
  if (sums && prefixSumOf(bytes, h.prefixLength) !== h.prefixSum) throw sumError('header, amounts or funding', 0);
  const amounts = f64At(bytes, HEADER_BYTES, h.amountCount);
  const fundedFrom = i32At(bytes, HEADER_BYTES + 8 * h.amountCount, h.amountCount);
  for (let i = 0; i < amounts.length; i++) {
    const a = amounts[i]!;
    if (!isKeptBtc(a))
      throw new DataError(`block summary amount ${i} is ${a}, outside (1e-5, 1e5)`, HEADER_BYTES + 8 * i);
    const f = fundedFrom[i]!;
    if (f !== -1 && (f < h.resolvedFrom || f > h.height))
      throw new DataError(
        `block summary amount ${i} is funded from height ${f}, outside ${h.resolvedFrom}..${h.height}`,
      );
  }
  return blockAmounts(h, amounts, fundedFrom);
}

/** Where an entry's txid keys and txids are, from its header alone. */
export function sectionsOf(h: Header): { keys: number; txids: number; end: number } {
  const at = offsets(h);
  return { keys: at.keys, txids: at.txids, end: at.end };
}

/** The txid keys section of an entry with header `h` (read on its own), checked, as numbers. */
export function keysOf(h: Header, keys: Uint8Array): Uint32Array {
  if (keys.length !== 4 * h.txCount) throw truncated('keys', keys.length);
  if (checksum(keys, [0, keys.length]) !== h.keysSum) throw sumError('keys', offsets(h).keys);
  return u32At(keys, 0, h.txCount);
}

/**
 * A whole entry, checked, as views into its bytes: a block the window can resolve (types.ts
 * ResolvableBlock), plus the bytes and header the cache writes back.
 */
export interface Entry extends ResolvableBlock {
  bytes: Uint8Array;
  header: Header;
  txIndex: Uint32Array;
  inputCounts: Uint8Array;
  amountCounts: Uint8Array;
  /** Every txid of the block, 32 bytes each. */
  txids: Uint8Array;
}

/**
 * Decode and validate a whole entry; a truncated, padded or inconsistent one is a DataError.
 * `checksums: false` is for an entry this process encoded a moment ago (a parser thread's answer):
 * it never touched a disk, so its sums are not worked out again (~40 ms of SHA-256 over a day's
 * ~40 MB of entries); every structural check is still made. Anything read back is checked in full.
 */
export function decodeEntry(bytes: Uint8Array, opts: { checksums?: boolean } = {}): Entry {
  const sums = opts.checksums ?? true;
  const h = decodeHeader(bytes);
  const at = offsets(h);
  if (bytes.length < at.end) throw truncated('entry', bytes.length);
  if (bytes.length > at.end) throw new DataError(`block summary has ${bytes.length - at.end} trailing bytes`, at.end);
  const { amounts, fundedFrom } = amountsWith(h, bytes, sums);
  if (sums && checksum(bytes, [at.keys, at.txIndex]) !== h.keysSum) throw sumError('keys', at.keys);
  if (sums && checksum(bytes, [at.txIndex, at.end]) !== h.restSum) throw sumError('candidates or txids', at.txIndex);
  const keys = u32At(bytes, at.keys, h.txCount);
  const txidView = new DataView(bytes.buffer, bytes.byteOffset + at.txids, TXID_BYTES * h.txCount);
  for (let j = 0; j < h.txCount; j++) {
    if (keys[j] !== txidView.getUint32(TXID_BYTES * j, true))
      throw new DataError(`block summary key ${j} does not match its txid`, at.keys + 4 * j);
  }
  const txIndex = u32At(bytes, at.txIndex, h.candidateCount);
  const inputCounts = bytes.subarray(at.inputCounts, at.inputCounts + h.candidateCount);
  const amountCounts = bytes.subarray(at.amountCounts, at.amountCounts + h.candidateCount);
  let a = 0;
  let inputs = 0;
  let lastIndex = -1;
  for (let i = 0; i < h.candidateCount; i++) {
    const index = txIndex[i]!;
    const ni = inputCounts[i]!;
    const na = amountCounts[i]!;
    if (index <= lastIndex || index >= h.txCount)
      throw new DataError(
        `block summary candidate ${i} has tx index ${index} out of order or range`,
        at.txIndex + 4 * i,
      );
    if (ni < 1 || ni > MAX_INPUTS || na < 1 || na > MAX_AMOUNTS)
      throw new DataError(`block summary candidate ${i} has ${ni} inputs and ${na} amounts`, at.inputCounts + i);
    if (a + na > h.amountCount || inputs + ni > h.inputCount)
      throw new DataError(`block summary candidate ${i} runs past the counts in the header`);
    for (let k = 1; k < na; k++) {
      if (fundedFrom[a + k] !== fundedFrom[a])
        throw new DataError(`block summary candidate ${i} has amounts with different funding heights`);
    }
    lastIndex = index;
    a += na;
    inputs += ni;
  }
  if (a !== h.amountCount || inputs !== h.inputCount)
    throw new DataError(`block summary candidates do not add up to the header's counts`);
  const txids = bytes.subarray(at.txids, at.end);
  return {
    ...blockAmounts(h, amounts, fundedFrom),
    bytes,
    header: h,
    candidateCount: h.candidateCount,
    inputCount: h.inputCount,
    txIndex,
    inputCounts,
    amountCounts,
    inputTxids: bytes.subarray(at.inputTxids, at.txids),
    txids,
    keys: () => keys,
    txid: (j) => txids.subarray(TXID_BYTES * j, TXID_BYTES * j + TXID_BYTES),
  };
}

/**
 * Records funding the window worked out (oracle/funding.ts) in the entry's own bytes, in place, so
 * they can be cached as they are; the entry's fields are updated to match. Returns the bytes.
 */
export function withFunding(e: Entry, funding: Funding): Uint8Array {
  const h = e.header;
  if (funding.perCandidate.length !== h.candidateCount)
    throw new DataError(
      `block ${h.height}: ${funding.perCandidate.length} funding heights for ${h.candidateCount} candidates`,
    );
  const view = new DataView(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength);
  const at = offsets(h);
  const fundedFrom = new Int32Array(h.amountCount);
  let a = 0;
  for (let i = 0; i < h.candidateCount; i++) {
    for (let k = 0; k < e.amountCounts[i]!; k++, a++) {
      fundedFrom[a] = funding.perCandidate[i]!;
      view.setInt32(at.fundedFrom + 4 * a, funding.perCandidate[i]!, true);
    }
  }
  view.setUint32(FIELD.resolvedFrom, funding.resolvedFrom, true);
  const prefixSum = prefixSumOf(e.bytes, at.keys);
  view.setUint32(FIELD.prefixSum, prefixSum, true);
  e.header = { ...h, resolvedFrom: funding.resolvedFrom, prefixSum };
  e.resolvedFrom = funding.resolvedFrom;
  e.fundedFrom = fundedFrom; // the entry stays what its bytes say, view or copy
  return e.bytes;
}

/** The summary and funding an entry holds, as objects (for tests and tools; the job uses decodeEntry). */
export function decodeSummary(bytes: Uint8Array): { summary: BlockSummary; funding: Funding } {
  const e = decodeEntry(bytes);
  const h = e.header;
  const candidates: Candidate[] = [];
  const perCandidate = new Int32Array(h.candidateCount);
  let a = 0;
  let input = 0;
  for (let i = 0; i < h.candidateCount; i++) {
    const ni = e.inputCounts[i]!;
    const na = e.amountCounts[i]!;
    perCandidate[i] = e.fundedFrom[a]!;
    candidates.push({
      txIndex: e.txIndex[i]!,
      inputTxids: e.inputTxids.subarray(input, input + TXID_BYTES * ni),
      amounts: Array.from(e.amounts.subarray(a, a + na)),
    });
    a += na;
    input += TXID_BYTES * ni;
  }
  const summary = { height: h.height, hash: h.hash, time: h.time, txids: e.txids, candidates };
  return { summary, funding: { resolvedFrom: h.resolvedFrom, perCandidate } };
}
