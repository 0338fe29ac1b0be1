// Transactions in consensus serialization (BIP144 for segwit), parsed without trusting a byte.
//
// Decisions, following Bitcoin Core's deserializer and CheckTransaction:
// - After the version, 0x00 is the segwit marker; the flag after it must be 0x01 (any other flag,
//   including 0x00 which would mean "no inputs", is a DataError).
// - A segwit transaction whose witnesses are all empty is a DataError (Core: "Superfluous witness
//   record"): its serialization is not the canonical one, so its size and weight would be wrong.
// - A transaction without outputs is a DataError (Core: bad-txns-vout-empty).
// - Output values must lie in 0..MAX_MONEY.
import { ByteReader } from './reader.js';
import { sha256dOne, toDisplayHex } from './hash.js';
import { Sha256, secondRoundInto } from './sha256.js';

// Reused for every segwit txid (parsing is synchronous, so one hasher is enough).
const TXID_FIRST = new Sha256();
const TXID_MID = new Uint8Array(32);
import type { Transaction, TxInput, TxOutput } from './types.js';

// Smallest possible serializations, used to reject absurd counts before allocating.
export const MIN_INPUT_BYTES = 32 + 4 + 1 + 4; // prev txid, index, empty scriptSig, sequence
export const MIN_OUTPUT_BYTES = 8 + 1; // value, empty script
export const MIN_TX_BYTES = 4 + 1 + MIN_INPUT_BYTES + 1 + MIN_OUTPUT_BYTES + 4;
export const NULL_INDEX = 0xffffffff;

class Input implements TxInput {
  private display: string | undefined;
  constructor(
    public prevTxidLE: Uint8Array,
    public prevIndex: number,
    public scriptSig: Uint8Array,
    public sequence: number,
    public witness: Uint8Array[],
  ) {}
  get prevTxid(): string {
    return (this.display ??= toDisplayHex(this.prevTxidLE));
  }
  /** Prev txid all zero and index 0xffffffff: the shape of a coinbase input. */
  get isNullPrevout(): boolean {
    return isNullPrevoutAt(this.prevTxidLE, 0, this.prevIndex);
  }
}

class Tx implements Transaction {
  private display: string | undefined;
  constructor(
    public txidLE: Uint8Array,
    public version: number,
    public segwit: boolean,
    public inputs: TxInput[],
    public outputs: TxOutput[],
    public locktime: number,
    public size: number,
    public baseSize: number,
    public weight: number,
    public isCoinbase: boolean,
    public hasNullPrevout: boolean,
  ) {}
  get txid(): string {
    return (this.display ??= toDisplayHex(this.txidLE));
  }
}

/** An input whose prev txid (32 bytes at `at`) is all zero and whose index is 0xffffffff. */
export function isNullPrevoutAt(bytes: Uint8Array, at: number, index: number): boolean {
  if (index !== NULL_INDEX) return false;
  for (let k = 0; k < 32; k++) if (bytes[at + k] !== 0) return false;
  return true;
}

/** After the version: the BIP144 marker and flag, when there (the flag must be 0x01). */
export function readSegwitMarker(r: ByteReader): boolean {
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
export function readInputCount(r: ByteReader): number {
  const at = r.pos;
  const n = r.count('input count', MIN_INPUT_BYTES);
  if (n === 0) throw r.fail(r.describe('input count is 0'), at);
  return n;
}

/** The output count, which may not be 0 (Core: bad-txns-vout-empty). */
export function readOutputCount(r: ByteReader): number {
  const n = r.count('output count', MIN_OUTPUT_BYTES);
  if (n === 0) throw r.fail(r.describe('output count is 0'), r.pos - 1);
  return n;
}

/** A segwit transaction needs some witness item (Core: "Superfluous witness record"). */
export function superfluousWitness(r: ByteReader, txStart: number): never {
  throw r.fail(r.describe('segwit marker with all witnesses empty (superfluous witness record)'), txStart + 4);
}

/** Parse one transaction at the reader's position (inside a block or alone). */
export function readTransaction(r: ByteReader): Transaction {
  const bytes = r.bytes;
  const start = r.pos;
  r.place.part = '';
  const version = r.i32('version');

  const segwit = readSegwitMarker(r);
  const bodyStart = r.pos; // inputs..outputs: the part shared by both serializations

  const nIn = readInputCount(r);
  const inputs = new Array<Input>(nIn);
  let hasNullPrevout = false;
  r.place.part = 'input';
  for (let i = 0; i < nIn; i++) {
    r.place.index = i;
    const prev = r.bytesView(32, 'prev txid');
    const prevIndex = r.u32('prev index');
    const scriptSig = r.varBytes('scriptSig');
    const sequence = r.u32('sequence');
    const input = new Input(prev, prevIndex, scriptSig, sequence, []);
    if (input.isNullPrevout) hasNullPrevout = true;
    inputs[i] = input;
  }

  r.place.part = '';
  const nOut = readOutputCount(r);
  const outputs = new Array<TxOutput>(nOut);
  r.place.part = 'output';
  for (let i = 0; i < nOut; i++) {
    r.place.index = i;
    const value = r.amount('value');
    const script = r.varBytes('script');
    outputs[i] = { value, script };
  }
  const bodyEnd = r.pos;

  if (segwit) {
    r.place.part = 'witness of input';
    let anyItem = false;
    for (let i = 0; i < nIn; i++) {
      r.place.index = i;
      const nItems = r.count('item count', 1);
      const stack = new Array<Uint8Array>(nItems);
      for (let k = 0; k < nItems; k++) stack[k] = r.varBytes('item');
      if (nItems > 0) anyItem = true;
      inputs[i]!.witness = stack;
    }
    r.place.part = '';
    if (!anyItem) superfluousWitness(r, start);
  }

  r.place.part = '';
  const lockAt = r.pos;
  const locktime = r.u32('locktime');
  const end = r.pos;

  // txid hashes the non-witness serialization; feed the byte ranges in place instead of copying them.
  let txidLE: Uint8Array;
  if (segwit) {
    txidLE = new Uint8Array(32);
    TXID_FIRST.reset()
      .update(bytes, start, start + 4)
      .update(bytes, bodyStart, bodyEnd)
      .update(bytes, lockAt, end)
      .digestInto(TXID_MID);
    secondRoundInto(TXID_MID, txidLE, 0);
  } else {
    txidLE = sha256dOne(bytes.subarray(start, end));
  }

  const size = end - start;
  const baseSize = segwit ? 4 + (bodyEnd - bodyStart) + 4 : size;
  const isCoinbase = nIn === 1 && hasNullPrevout;
  return new Tx(
    txidLE,
    version,
    segwit,
    inputs,
    outputs,
    locktime,
    size,
    baseSize,
    baseSize * 3 + size,
    isCoinbase,
    hasNullPrevout,
  );
}

/** Parse a single whole transaction; trailing bytes are a DataError. */
export function parseTransaction(bytes: Uint8Array): Transaction {
  const r = new ByteReader(bytes, 'transaction');
  const tx = readTransaction(r);
  r.expectEnd('the transaction');
  return tx;
}
