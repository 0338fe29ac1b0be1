// Transaction objects, built from a layout (layout.ts has the parser and its consensus decisions;
// this file only turns checked positions into objects with views into the bytes).
import { hashBlock } from './blockHash.js';
import { toDisplayHex } from './hash.js';
import { RANGE_FIELDS, isNullPrevoutAt, readTxLayout, type TxsLayout } from './layout.js';
import { ByteReader } from './reader.js';
import type { Transaction, TxInput, TxOutput } from './types.js';

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

/**
 * Transaction `i` of a layout as an object; `txidLE` is its txid (from hashBlock). The layout was
 * checked when it was read, so re-reading its fields here cannot fail.
 */
export function txFromLayout(
  l: TxsLayout,
  i: number,
  txidLE: Uint8Array,
  r = new ByteReader(l.bytes, 'block'),
): Transaction {
  const bytes = l.bytes;
  const o = RANGE_FIELDS * i;
  const start = l.ranges[o]!;
  const bodyStart = l.ranges[o + 1]!;
  const bodyEnd = l.ranges[o + 2]!;
  const lockAt = l.ranges[o + 3]!;
  const segwit = bodyStart !== start + 4;
  const firstIn = l.firstInput[i]!;
  const nIn = l.firstInput[i + 1]! - firstIn;
  const inputs = new Array<TxInput>(nIn);
  let hasNullPrevout = false;
  for (let k = 0; k < nIn; k++) {
    const at = l.inputAt[firstIn + k]!;
    r.pos = at + 32;
    const prevIndex = r.u32('prev index');
    const scriptSig = r.varBytes('scriptSig');
    const sequence = r.u32('sequence');
    let witness: Uint8Array[] = [];
    const w = l.witnessAt[firstIn + k]!;
    if (w >= 0) {
      r.pos = w;
      witness = new Array<Uint8Array>(r.varint('item count'));
      for (let j = 0; j < witness.length; j++) witness[j] = r.varBytes('item');
    }
    if (isNullPrevoutAt(bytes, at)) hasNullPrevout = true;
    inputs[k] = new Input(bytes.subarray(at, at + 32), prevIndex, scriptSig, sequence, witness);
  }
  const firstOut = l.firstOutput[i]!;
  const nOut = l.firstOutput[i + 1]! - firstOut;
  const outputs = new Array<TxOutput>(nOut);
  for (let k = 0; k < nOut; k++) {
    const s = l.scriptAt[firstOut + k]!;
    outputs[k] = { value: l.value[firstOut + k]!, script: bytes.subarray(s, s + l.scriptLen[firstOut + k]!) };
  }
  r.pos = start;
  const version = r.i32('version');
  r.pos = lockAt;
  const locktime = r.u32('locktime');
  const size = lockAt + 4 - start;
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
  const l = readTxLayout(bytes);
  // One transaction hashed as a block of one (its merkle "root" is its txid; nothing is checked).
  const { txids } = hashBlock(l);
  return txFromLayout(l, 0, txids, new ByteReader(l.bytes, 'transaction'));
}
