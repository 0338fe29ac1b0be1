// Transaction serialization (BIP144 for segwit) and txid. A txid is sha256d of the serialization
// WITHOUT marker, flag and witnesses, so the hash is fed the pieces around the witness section.
import { hash } from 'node:crypto';
import { ByteWriter } from './writer.js';

export interface TxInSpec {
  /** 32 bytes, internal (wire) byte order. */
  prevTxidLE: Uint8Array;
  prevIndex: number;
  scriptSig: Uint8Array;
  sequence: number;
  witness: Uint8Array[];
}

export interface TxOutSpec {
  /** Satoshis. */
  value: number;
  script: Uint8Array;
}

export interface TxSpec {
  version: number;
  segwit: boolean;
  inputs: TxInSpec[];
  outputs: TxOutSpec[];
  locktime: number;
}

export interface WrittenTx {
  txidLE: Uint8Array;
  /** sha256d of the full serialization (BIP141); equals the txid without witness. */
  wtxidLE: Uint8Array;
  /** Bytes of the full serialization. */
  size: number;
  /** Bytes without marker, flag and witnesses. */
  baseSize: number;
}

let scratch = new Uint8Array(1 << 16);

export const sha256d = (b: Uint8Array): Buffer => hash('sha256', hash('sha256', b, 'buffer'), 'buffer');

/** Appends the transaction to `w` (block order) and returns its txid. */
export function writeTx(w: ByteWriter, tx: TxSpec): WrittenTx {
  const start = w.length;
  w.u32(tx.version);
  if (tx.segwit) w.u8(0x00).u8(0x01);
  const ioStart = w.length;
  w.varint(tx.inputs.length);
  for (const input of tx.inputs) {
    w.bytes(input.prevTxidLE).u32(input.prevIndex).varBytes(input.scriptSig).u32(input.sequence);
  }
  w.varint(tx.outputs.length);
  for (const out of tx.outputs) w.u64(out.value).varBytes(out.script);
  const ioEnd = w.length;
  if (tx.segwit) {
    for (const input of tx.inputs) {
      w.varint(input.witness.length);
      for (const item of input.witness) w.varBytes(item);
    }
  }
  const lockStart = w.length;
  w.u32(tx.locktime);
  const end = w.length;

  const baseSize = 4 + (ioEnd - ioStart) + 4;
  let stripped: Uint8Array;
  if (!tx.segwit) {
    stripped = w.view_(start, end);
  } else {
    // One-shot hashing of a contiguous copy is much faster than an incremental Hash per tx.
    if (scratch.length < baseSize) scratch = new Uint8Array(baseSize * 2);
    scratch.set(w.view_(start, start + 4), 0);
    scratch.set(w.view_(ioStart, ioEnd), 4);
    scratch.set(w.view_(lockStart, end), baseSize - 4);
    stripped = scratch.subarray(0, baseSize);
  }
  const txidLE = sha256d(stripped);
  const wtxidLE = tx.segwit ? sha256d(w.view_(start, end)) : txidLE;
  return { txidLE, wtxidLE, size: end - start, baseSize };
}
