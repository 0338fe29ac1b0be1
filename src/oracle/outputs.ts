// Which outputs the oracle uses (oracle.md §2), split in two so a block is parsed only once:
//  - summarizeBlock: every per-transaction rule, applied once per block; the result is small and
//    can be cached (see summaryCodec.ts).
//  - windowOutputs: the one rule that needs the whole window, "same-day" spends, applied over the
//    summaries in block order.

import type { Block, Transaction } from '../chain/types.js';
import { DataError } from '../errors.js';

/** The reference only looks at transactions with at most this many inputs... */
const MAX_INPUTS = 5;
/** ...and exactly this many outputs (OP_RETURN and dust outputs count too). */
const REQUIRED_OUTPUTS = 2;
/** Witness limit in bytes, per item and per input's running total. */
const MAX_WITNESS_BYTES = 500;
const OP_RETURN = 0x6a;
/** Amounts kept: 1e-5 < BTC < 1e5, strict (exactly 1,000 sats is out). */
const MIN_BTC = 1e-5;
const MAX_BTC = 1e5;
const SATS_PER_BTC = 1e8;
export const TXID_BYTES = 32;

/** A transaction that passed every per-transaction filter and has at least one amount in range. */
export interface Candidate {
  /** Position in the block (0 is the coinbase, so never a candidate). */
  txIndex: number;
  /** Prev txids of its inputs, internal byte order, 32 bytes each (1..5 of them). */
  inputTxids: Uint8Array;
  /** Its in-range outputs in output order, BTC = sats / 1e8 (the reference's double division). */
  amounts: number[];
}

export interface BlockSummary {
  height: number;
  /** Display hex of the block hash. */
  hash: string;
  /** Header time (not median time), Unix seconds. */
  time: number;
  /** Every txid of the block in order, internal byte order, 32 bytes each. */
  txids: Uint8Array;
  candidates: Candidate[];
}

export function txCountOf(s: BlockSummary): number {
  return s.txids.length / TXID_BYTES;
}

/** The reference's coinbase test: ANY input with a null prevout (not only a lone one). */
function hasNullPrevout(tx: Transaction): boolean {
  return tx.inputs.some((i) => i.prevIndex === 0xffffffff && i.prevTxidLE.every((b) => b === 0));
}

/** Some witness item, or some input's items added up in order, longer than 500 bytes. */
function witnessTooLarge(tx: Transaction): boolean {
  for (const input of tx.inputs) {
    let total = 0;
    for (const item of input.witness) {
      total += item.length;
      if (item.length > MAX_WITNESS_BYTES || total > MAX_WITNESS_BYTES) return true;
    }
  }
  return false;
}

/** Every per-transaction rule of oracle.md §2 (all but the same-day rule). */
export function passesTxFilters(tx: Transaction): boolean {
  return (
    tx.inputs.length <= MAX_INPUTS &&
    tx.outputs.length === REQUIRED_OUTPUTS &&
    !hasNullPrevout(tx) &&
    !tx.outputs.some((o) => o.script.length > 0 && o.script[0] === OP_RETURN) &&
    !witnessTooLarge(tx)
  );
}

export function inRangeAmounts(tx: Transaction): number[] {
  const out: number[] = [];
  for (const o of tx.outputs) {
    const btc = o.value / SATS_PER_BTC;
    if (MIN_BTC < btc && btc < MAX_BTC) out.push(btc);
  }
  return out;
}

export function summarizeBlock(block: Block, height: number): BlockSummary {
  if (!Number.isSafeInteger(height) || height < 0) throw new DataError(`block height must be a non-negative integer, got ${height}`);
  const txids = new Uint8Array(block.txs.length * TXID_BYTES);
  const candidates: Candidate[] = [];
  block.txs.forEach((tx, txIndex) => {
    txids.set(tx.txidLE, txIndex * TXID_BYTES);
    if (!passesTxFilters(tx)) return;
    const amounts = inRangeAmounts(tx);
    if (amounts.length === 0) return; // nothing to contribute; the same-day rule cannot matter
    const inputTxids = new Uint8Array(tx.inputs.length * TXID_BYTES);
    tx.inputs.forEach((input, k) => inputTxids.set(input.prevTxidLE, k * TXID_BYTES));
    candidates.push({ txIndex, inputTxids, amounts });
  });
  return { height, hash: block.header.hash, time: block.header.time, txids, candidates };
}

export interface WindowOutputs {
  /** Amounts in BTC, in window order. */
  amounts: Float64Array;
  /** Height and time of each amount's block. */
  heights: Uint32Array;
  times: Float64Array;
  /** Transactions scanned in the window. */
  txCount: number;
}

/** The first 6 bytes of the id at `off` as a number: a cheap map key, confirmed by a full compare. */
function prefixKey(dv: DataView, off: number): number {
  return dv.getUint32(off, true) + dv.getUint16(off + 4, true) * 0x1_0000_0000;
}

function sameId(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  for (let k = 0; k < TXID_BYTES; k++) if (a[aOff + k] !== b[bOff + k]) return false;
  return true;
}

/** A txid some candidate spends, and where it first appears among the window's txids. */
interface Watched {
  bytes: Uint8Array;
  off: number;
  firstSeen: number;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/**
 * Apply the same-day rule over the window, in block and transaction order. As in the reference,
 * a transaction's own txid joins the set before its inputs are checked, and the set holds only
 * the transactions seen so far (spending a LATER transaction of the window is not caught).
 *
 * Equivalently, and far cheaper than a set of every txid: a candidate at window position G is
 * a same-day spend when one of its inputs first appears as a txid at a position <= G. Only the
 * candidates' inputs are watched, so the scan over all txids is a numeric map probe each.
 */
export function windowOutputs(summaries: readonly BlockSummary[]): WindowOutputs {
  const watched = new Map<number, Watched[]>();
  const watch = (bytes: Uint8Array, dv: DataView, off: number): Watched => {
    const key = prefixKey(dv, off);
    const list = watched.get(key);
    if (list) {
      for (const w of list) if (sameId(w.bytes, w.off, bytes, off)) return w;
    }
    const w = { bytes, off, firstSeen: Infinity };
    if (list) list.push(w);
    else watched.set(key, [w]);
    return w;
  };
  const inputsOf: Watched[][] = [];
  for (const s of summaries) {
    for (const c of s.candidates) {
      const ws: Watched[] = [];
      const dv = view(c.inputTxids);
      for (let off = 0; off < c.inputTxids.length; off += TXID_BYTES) ws.push(watch(c.inputTxids, dv, off));
      inputsOf.push(ws);
    }
  }
  let txCount = 0;
  for (const s of summaries) {
    const dv = view(s.txids);
    const n = txCountOf(s);
    for (let i = 0; i < n; i++) {
      const list = watched.get(prefixKey(dv, i * TXID_BYTES));
      if (!list) continue;
      for (const w of list) if (w.firstSeen === Infinity && sameId(w.bytes, w.off, s.txids, i * TXID_BYTES)) w.firstSeen = txCount + i;
    }
    txCount += n;
  }
  const amounts: number[] = [];
  const heights: number[] = [];
  const times: number[] = [];
  let base = 0;
  let k = 0;
  for (const s of summaries) {
    for (const c of s.candidates) {
      const position = base + c.txIndex;
      const sameDay = inputsOf[k++]!.some((w) => w.firstSeen <= position);
      if (sameDay) continue;
      for (const a of c.amounts) {
        amounts.push(a);
        heights.push(s.height);
        times.push(s.time);
      }
    }
    base += txCountOf(s);
  }
  return {
    amounts: Float64Array.from(amounts),
    heights: Uint32Array.from(heights),
    times: Float64Array.from(times),
    txCount,
  };
}
