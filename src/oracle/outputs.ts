// Which outputs the oracle uses (oracle.md §2), split in two so a block is parsed only once:
//  - summarizeBlock: every per-transaction rule, applied once per block; the result is small and
//    can be cached (see summaryCodec.ts).
//  - windowOutputs: the one rule that needs the whole window, "same-day" spends, applied over the
//    summaries in block order.

import { WindowAccumulator } from './windowAccumulator.js';
import type { Block, Transaction } from '../chain/types.js';
import { DataError } from '../errors.js';

/** The reference only looks at transactions with at most this many inputs... */
export const MAX_INPUTS = 5;
/** ...and exactly this many outputs (OP_RETURN and dust outputs count too). */
export const REQUIRED_OUTPUTS = 2;
/** Witness limit in bytes, per item and per input's running total. */
export const MAX_WITNESS_BYTES = 500;
export const OP_RETURN = 0x6a;
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

/** An output's amount in BTC as the reference computes it (sats / 1e8), or undefined when out of range. */
export function inRangeBtc(sats: number): number | undefined {
  const btc = sats / SATS_PER_BTC;
  return MIN_BTC < btc && btc < MAX_BTC ? btc : undefined;
}

export function inRangeAmounts(tx: Transaction): number[] {
  const out: number[] = [];
  for (const o of tx.outputs) {
    const btc = inRangeBtc(o.value);
    if (btc !== undefined) out.push(btc);
  }
  return out;
}

export function summarizeBlock(block: Block, height: number): BlockSummary {
  if (!Number.isSafeInteger(height) || height < 0)
    throw new DataError(`block height must be a non-negative integer, got ${height}`);
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

/**
 * The same-day rule over the given blocks at once, in the order given (see WindowAccumulator for
 * the streaming form; computePrice also insists the blocks are consecutive).
 */
export function windowOutputs(summaries: readonly BlockSummary[]): WindowOutputs {
  const acc = new WindowAccumulator(false);
  for (const s of summaries) acc.add(s);
  return acc.outputs();
}
