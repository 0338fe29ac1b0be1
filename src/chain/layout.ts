// The one block-parser core. A single pass over a block's bytes makes every framing check
// (bounds, shortest varints, counts, amounts in 0..MAX_MONEY, the segwit flag, superfluous
// witnesses, no trailing bytes) and records where each transaction, input and output is, as
// numbers in typed arrays. Two consumers read the same layout: parseBlock (block.ts) builds
// Transaction objects from it, the oracle scan (summary/scanBlock.ts) picks candidates from it
// without making an object per transaction; hashBlock (blockHash.ts) hashes its byte ranges.
import { DataError } from '../errors.js';
import { ByteReader } from './reader.js';
import { readHeader, HEADER_BYTES } from './header.js';
import { nativeHasher, type NativeHasher } from './nativeHash.js';
import type { BlockHeader } from './types.js';

// Smallest possible serializations, used to reject absurd counts before allocating.
const MIN_INPUT_BYTES = 32 + 4 + 1 + 4; // prev txid, index, empty scriptSig, sequence
const MIN_OUTPUT_BYTES = 8 + 1; // value, empty script
const MIN_TX_BYTES = 4 + 1 + MIN_INPUT_BYTES + 1 + MIN_OUTPUT_BYTES + 4;

/**
 * Per transaction, RANGE_FIELDS numbers in `ranges`: where it starts, where its inputs start (after
 * the BIP144 marker and flag, if any), where its outputs end, and where its locktime starts. A
 * segwit tx is exactly one whose inputs start 6 bytes in; its txid hashes [start, start+4) +
 * [bodyStart, bodyEnd) + [lockAt, lockAt+4), its wtxid [start, lockAt+4).
 */
export const RANGE_FIELDS = 4;

export interface BlockLayout {
  /** The block's bytes as a plain Uint8Array (a Buffer's subarray makes slower Buffer objects). */
  bytes: Uint8Array;
  header: BlockHeader;
  txCount: number;
  /** RANGE_FIELDS per transaction: start, bodyStart, bodyEnd, lockAt. */
  ranges: Int32Array;
  /** Per transaction (and one past the last): index of its first input and of its first output. */
  firstInput: Int32Array;
  firstOutput: Int32Array;
  /** Per input: offset of its prev txid (its index follows at +32, its scriptSig length at +36). */
  inputAt: Int32Array;
  /** Per input: offset of its witness stack's item count, -1 when its tx is not segwit. */
  witnessAt: Int32Array;
  /** Per input: its witness items, and their bytes added up. */
  witnessItems: Int32Array;
  witnessBytes: Int32Array;
  /** Per output: its value in satoshis, where its script starts, and the script's length. */
  value: Float64Array;
  scriptAt: Int32Array;
  scriptLen: Int32Array;
  anySegwit: boolean;
}

/** Grows a scratch array to hold at least `n` elements, keeping what it holds. */
function atLeast<T extends Int32Array | Float64Array>(a: T, n: number, make: (n: number) => T): T {
  if (a.length >= n) return a;
  const grown = make(Math.max(n, 2 * a.length));
  grown.set(a);
  return grown;
}

// Scratch reused from block to block: a layout is read at once by its consumer (everything here is
// synchronous), and fresh arrays for every block cost page faults on a 1.5 MB block.
const scratch = {
  ranges: new Int32Array(4096),
  firstInput: new Int32Array(1024),
  firstOutput: new Int32Array(1024),
  inputAt: new Int32Array(4096),
  witnessAt: new Int32Array(4096),
  witnessItems: new Int32Array(4096),
  witnessBytes: new Int32Array(4096),
  value: new Float64Array(4096),
  scriptAt: new Int32Array(4096),
  scriptLen: new Int32Array(4096),
};
const i32 = (n: number) => new Int32Array(n);
const f64 = (n: number) => new Float64Array(n);

/** After the version: the BIP144 marker and flag, when there (the flag must be 0x01). */
function readSegwitMarker(r: ByteReader): boolean {
  if (r.peek() !== 0x00) return false;
  const markerAt = r.pos;
  r.pos++;
  const flag = r.u8('segwit flag');
  if (flag !== 0x01)
    throw r.fail(
      `${r.describe('segwit flag')} is 0x${flag.toString(16).padStart(2, '0')}, expected 0x01`,
      markerAt + 1,
    );
  return true;
}

/** The input count, which may not be 0. */
function readInputCount(r: ByteReader): number {
  const at = r.pos;
  const n = r.count('input count', MIN_INPUT_BYTES);
  if (n === 0) throw r.fail(r.describe('input count is 0'), at);
  return n;
}

/** The output count, which may not be 0 (Core: bad-txns-vout-empty). */
function readOutputCount(r: ByteReader): number {
  const n = r.count('output count', MIN_OUTPUT_BYTES);
  if (n === 0) throw r.fail(r.describe('output count is 0'), r.pos - 1);
  return n;
}

/** What readTx found besides positions (one object, reused: a block has thousands of transactions). */
const found = { inputs: 0, outputs: 0, segwit: false };

/**
 * Reads one transaction at the reader's position into the scratch layout as transaction `i`, its
 * first input and output numbered `inBase` and `outBase`. Decisions, following Bitcoin Core's
 * deserializer and CheckTransaction: after the version, 0x00 is the segwit marker and the flag
 * must be 0x01; a segwit transaction whose witnesses are all empty is refused ("superfluous
 * witness record": its size and weight would be wrong); so is one without inputs or outputs.
 */
function readTx(r: ByteReader, i: number, inBase: number, outBase: number): void {
  const s = scratch;
  r.place.part = '';
  const start = r.pos;
  r.i32('version');
  const segwit = readSegwitMarker(r);
  const bodyStart = r.pos;

  const nIn = readInputCount(r);
  s.inputAt = atLeast(s.inputAt, inBase + nIn, i32);
  s.witnessAt = atLeast(s.witnessAt, inBase + nIn, i32);
  s.witnessItems = atLeast(s.witnessItems, inBase + nIn, i32);
  s.witnessBytes = atLeast(s.witnessBytes, inBase + nIn, i32);
  r.place.part = 'input';
  for (let k = 0; k < nIn; k++) {
    r.place.index = k;
    s.inputAt[inBase + k] = r.skip(32, 'prev txid');
    r.u32('prev index');
    r.skipVarBytes('scriptSig', 'scriptSig length');
    r.u32('sequence');
  }

  r.place.part = '';
  const nOut = readOutputCount(r);
  s.value = atLeast(s.value, outBase + nOut, f64);
  s.scriptAt = atLeast(s.scriptAt, outBase + nOut, i32);
  s.scriptLen = atLeast(s.scriptLen, outBase + nOut, i32);
  r.place.part = 'output';
  for (let k = 0; k < nOut; k++) {
    r.place.index = k;
    s.value[outBase + k] = r.amount('value');
    const len = r.skipVarBytes('script', 'script length');
    s.scriptAt[outBase + k] = r.pos - len;
    s.scriptLen[outBase + k] = len;
  }
  const bodyEnd = r.pos;

  if (segwit) {
    r.place.part = 'witness of input';
    let anyItem = false;
    for (let k = 0; k < nIn; k++) {
      r.place.index = k;
      s.witnessAt[inBase + k] = r.pos;
      const nItems = r.count('item count', 1);
      let total = 0;
      for (let j = 0; j < nItems; j++) total += r.skipVarBytes('item', 'item length');
      if (nItems > 0) anyItem = true;
      s.witnessItems[inBase + k] = nItems;
      s.witnessBytes[inBase + k] = total;
    }
    r.place.part = '';
    if (!anyItem)
      throw r.fail(r.describe('segwit marker with all witnesses empty (superfluous witness record)'), start + 4);
  } else {
    s.witnessAt.fill(-1, inBase, inBase + nIn);
    s.witnessItems.fill(0, inBase, inBase + nIn);
    s.witnessBytes.fill(0, inBase, inBase + nIn);
  }
  r.place.part = '';
  const lockAt = r.skip(4, 'locktime');

  const o = RANGE_FIELDS * i;
  s.ranges[o] = start;
  s.ranges[o + 1] = bodyStart;
  s.ranges[o + 2] = bodyEnd;
  s.ranges[o + 3] = lockAt;
  found.inputs = nIn;
  found.outputs = nOut;
  found.segwit = segwit;
}

const nativeResult = new Int32Array(2);
/** Core's MAX_BLOCK_SERIALIZED_SIZE (consensus.h): no valid block is larger. */
const MAX_BLOCK_SERIALIZED_SIZE = 4_000_000;

/**
 * readTxs in one native call (native/layout.c): the same checks and numbers, ~3x faster on a full
 * block. The arrays are sized first for the most inputs and outputs the bytes left could hold, so
 * the native reader never needs more room. True when it laid them out (the reader is then past
 * them); false on any defect, and nothing moved: the TypeScript reader reads them again and names it.
 */
function readTxsNatively(r: ByteReader, count: number, native: NativeHasher): boolean {
  const s = scratch;
  const left = r.remaining;
  s.ranges = atLeast(s.ranges, RANGE_FIELDS * count, i32);
  s.firstInput = atLeast(s.firstInput, count + 1, i32);
  s.firstOutput = atLeast(s.firstOutput, count + 1, i32);
  const inputs = Math.floor(left / MIN_INPUT_BYTES);
  s.inputAt = atLeast(s.inputAt, inputs, i32);
  s.witnessAt = atLeast(s.witnessAt, inputs, i32);
  s.witnessItems = atLeast(s.witnessItems, inputs, i32);
  s.witnessBytes = atLeast(s.witnessBytes, inputs, i32);
  const outputs = Math.floor(left / MIN_OUTPUT_BYTES);
  s.value = atLeast(s.value, outputs, f64);
  s.scriptAt = atLeast(s.scriptAt, outputs, i32);
  s.scriptLen = atLeast(s.scriptLen, outputs, i32);
  const ok = native.layoutTxs!(
    r.bytes,
    r.pos,
    count,
    s.ranges,
    s.firstInput,
    s.firstOutput,
    s.inputAt,
    s.witnessAt,
    s.witnessItems,
    s.witnessBytes,
    s.value,
    s.scriptAt,
    s.scriptLen,
    nativeResult,
  );
  if (ok) r.pos = nativeResult[0]!;
  return ok;
}

export interface LayoutOptions {
  /** Read with the TypeScript reader alone (tests comparing the two). */
  typescript?: boolean;
}

/** Reads `count` transactions from the reader's position into the scratch layout. */
function readTxs(r: ByteReader, count: number, opts: LayoutOptions = {}): boolean {
  const native = opts.typescript ? undefined : nativeHasher();
  // Only up to a valid block's size: the native reader's arrays are sized for the most the bytes
  // could hold (~2 bytes of arrays per byte), which a bogus 500 MB answer must not cost.
  if (native?.layoutTxs && r.bytes.length <= MAX_BLOCK_SERIALIZED_SIZE && readTxsNatively(r, count, native))
    return nativeResult[1] === 1;
  const s = scratch;
  s.ranges = atLeast(s.ranges, RANGE_FIELDS * count, i32);
  s.firstInput = atLeast(s.firstInput, count + 1, i32);
  s.firstOutput = atLeast(s.firstOutput, count + 1, i32);
  let inputs = 0;
  let outputs = 0;
  let anySegwit = false;
  for (let i = 0; i < count; i++) {
    r.place.tx = i; // named in messages only inside a block (ByteReader.describe)
    s.firstInput[i] = inputs;
    s.firstOutput[i] = outputs;
    readTx(r, i, inputs, outputs);
    inputs += found.inputs;
    outputs += found.outputs;
    if (found.segwit) anySegwit = true;
  }
  s.firstInput[count] = inputs;
  s.firstOutput[count] = outputs;
  r.place.tx = -1;
  r.place.part = '';
  return anySegwit;
}

/** A layout without its header: what one transaction alone has, and all hashing needs. */
export type TxsLayout = Omit<BlockLayout, 'header'>;

function layoutOf(bytes: Uint8Array, txCount: number, anySegwit: boolean): TxsLayout {
  return { bytes, txCount, anySegwit, ...scratch };
}

/** A plain Uint8Array over the same memory (a Buffer's subarray() makes slower Buffer objects). */
function plain(raw: Uint8Array): Uint8Array {
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/**
 * The layout of a whole block, every framing check made (not the merkle root, the coinbase or the
 * witness commitment: see checkBlock). The arrays are scratch space, valid until the next call in
 * this thread: read it at once.
 */
export function readBlockLayout(raw: Uint8Array, opts: LayoutOptions = {}): BlockLayout {
  const bytes = plain(raw);
  const r = new ByteReader(bytes, 'block');
  const header = readHeader(r);
  const txCount = r.count('tx count', MIN_TX_BYTES);
  if (txCount === 0) throw r.fail('tx count is 0 (a block needs its coinbase)', HEADER_BYTES);
  const anySegwit = readTxs(r, txCount, opts);
  r.expectEnd(`the last of ${txCount} transactions`);
  return { header, ...layoutOf(bytes, txCount, anySegwit) };
}

/** The layout of one transaction alone (a layout of txCount 1 with no header); trailing bytes are refused. */
export function readTxLayout(raw: Uint8Array): TxsLayout {
  return readTxsLayout(raw, 1);
}

/**
 * The layout of `count` transactions back to back with no header (a batch of raw transactions read
 * together); trailing bytes are refused. Where each one starts is in `ranges`: a caller that knows
 * where each should start checks it there.
 */
export function readTxsLayout(raw: Uint8Array, count: number): TxsLayout {
  const bytes = plain(raw);
  const r = new ByteReader(bytes, 'transaction');
  const anySegwit = readTxs(r, count);
  r.expectEnd(count === 1 ? 'the transaction' : `the last of ${count} transactions`);
  return layoutOf(bytes, count, anySegwit);
}

/** An input whose prev txid (32 bytes at `at`) is all zero and whose index is 0xffffffff. */
export function isNullPrevoutAt(bytes: Uint8Array, at: number): boolean {
  if ((bytes[at + 32]! & bytes[at + 33]! & bytes[at + 34]! & bytes[at + 35]!) !== 0xff) return false;
  for (let k = 0; k < 32; k++) if (bytes[at + k] !== 0) return false;
  return true;
}

/** Whether transaction `i` of the layout has SOME input with a null prevout. */
export function hasNullPrevout(l: Pick<BlockLayout, 'bytes' | 'firstInput' | 'inputAt'>, i: number): boolean {
  for (let k = l.firstInput[i]!, end = l.firstInput[i + 1]!; k < end; k++)
    if (isNullPrevoutAt(l.bytes, l.inputAt[k]!)) return true;
  return false;
}

/** A block whose bytes are wrong in a way only the whole block shows (coinbase, merkle root, witness commitment). */
export function badBlock(hash: string, message: string, offset?: number): DataError {
  return new DataError(`bad block ${hash}: ${message}`, offset);
}
