// Raw block -> BlockSummary: the oracle's consumer of the one parser core (chain/layout.ts), with
// every check parseBlock makes (framing, amounts, coinbase, merkle root and mutation, BIP141
// witness commitment) but without a Transaction object per transaction: the analyze job
// summarises every block of a day, and those objects, views and strings cost more than the
// hashing. Equal to summarizeBlock(parseBlock(bytes)) on real, synthetic and damaged blocks
// (test/summary/scanBlock.test.ts).
import { readCheckedBlock } from '../chain/block.js';
import { hasNullPrevout, type BlockLayout } from '../chain/layout.js';
import { DataError } from '../errors.js';
import { OP_RETURN, REQUIRED_OUTPUTS, inRangeBtc, passesTxRule } from './candidateRule.js';
import { TXID_BYTES, type BlockSummary, type Candidate } from './types.js';

/** Some output of transaction `i` whose script starts with OP_RETURN. */
function hasOpReturn(l: BlockLayout, i: number): boolean {
  for (let k = l.firstOutput[i]!, end = l.firstOutput[i + 1]!; k < end; k++)
    if (l.scriptLen[k]! > 0 && l.bytes[l.scriptAt[k]!] === OP_RETURN) return true;
  return false;
}

/** The largest of transaction `i`'s inputs' witness totals. */
function witnessBytes(l: BlockLayout, i: number): number {
  let max = 0;
  for (let k = l.firstInput[i]!, end = l.firstInput[i + 1]!; k < end; k++) max = Math.max(max, l.witnessBytes[k]!);
  return max;
}

/** Transaction `i` as a candidate, or undefined when the rule leaves it out or it has no amount in range. */
function candidateAt(l: BlockLayout, i: number): Candidate | undefined {
  const firstIn = l.firstInput[i]!;
  const nIn = l.firstInput[i + 1]! - firstIn;
  const firstOut = l.firstOutput[i]!;
  const nOut = l.firstOutput[i + 1]! - firstOut;
  if (!passesTxRule(nIn, nOut, hasNullPrevout(l, i), hasOpReturn(l, i), witnessBytes(l, i))) return undefined;
  const amounts: number[] = [];
  for (let k = 0; k < REQUIRED_OUTPUTS; k++) {
    const btc = inRangeBtc(l.value[firstOut + k]!);
    if (btc !== undefined) amounts.push(btc);
  }
  if (amounts.length === 0) return undefined; // nothing to contribute; the same-day rule cannot matter
  const inputTxids = new Uint8Array(TXID_BYTES * nIn);
  for (let k = 0; k < nIn; k++) {
    const at = l.inputAt[firstIn + k]!;
    inputTxids.set(l.bytes.subarray(at, at + TXID_BYTES), TXID_BYTES * k);
  }
  return { txIndex: i, inputTxids, amounts };
}

/** The checked summary of a raw block at `height`; a defect anywhere in it is a DataError. */
export function scanBlock(raw: Uint8Array, height: number): BlockSummary {
  if (!Number.isSafeInteger(height) || height < 0)
    throw new DataError(`block height must be a non-negative integer, got ${height}`);
  const { layout, hashes } = readCheckedBlock(raw);
  const candidates: Candidate[] = [];
  for (let i = 1; i < layout.txCount; i++) {
    const c = candidateAt(layout, i);
    if (c) candidates.push(c);
  }
  return { height, hash: layout.header.hash, time: layout.header.time, txids: hashes.txids, candidates };
}
