// A parsed Block -> BlockSummary, by the same rule as the oracle scan (candidateRule.ts): for
// callers that already hold Transaction objects (tests, tools). The analyze job scans raw bytes.
import type { Block, Transaction } from '../chain/types.js';
import { DataError } from '../errors.js';
import { OP_RETURN, inRangeBtc, passesTxRule } from './candidateRule.js';
import { TXID_BYTES, type BlockSummary, type Candidate } from './types.js';

/** The largest of the transaction's inputs' witness totals. */
function witnessBytes(tx: Transaction): number {
  let max = 0;
  for (const input of tx.inputs)
    max = Math.max(
      max,
      input.witness.reduce((n, item) => n + item.length, 0),
    );
  return max;
}

/** Whether the transaction passes every per-transaction rule of oracle.md §2. */
export function passesTxFilters(tx: Transaction): boolean {
  const opReturn = tx.outputs.some((o) => o.script.length > 0 && o.script[0] === OP_RETURN);
  return passesTxRule(tx.inputs.length, tx.outputs.length, tx.hasNullPrevout, opReturn, witnessBytes(tx));
}

/** The transaction's outputs in range, in BTC, in output order. */
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
