// An in-memory summary as the window reads a block (types.ts ResolvableBlock): the same numbers a
// cache entry of it holds, without encoding it to bytes and back.
import { TXID_BYTES, txidKeys, unresolved, type BlockSummary, type Funding, type ResolvableBlock } from './types.js';
import { DataError } from '../errors.js';

export function memoryBlock(s: BlockSummary, funding: Funding = unresolved(s)): ResolvableBlock {
  const n = s.candidates.length;
  if (funding.perCandidate.length !== n)
    throw new DataError(`block ${s.height}: ${funding.perCandidate.length} funding heights for ${n} candidates`);
  let amountCount = 0;
  let inputCount = 0;
  for (const c of s.candidates) {
    amountCount += c.amounts.length;
    inputCount += c.inputTxids.length / TXID_BYTES;
  }
  const amounts = new Float64Array(amountCount);
  const fundedFrom = new Int32Array(amountCount);
  const txIndex = new Uint32Array(n);
  const inputCounts = new Uint8Array(n);
  const amountCounts = new Uint8Array(n);
  const inputTxids = new Uint8Array(TXID_BYTES * inputCount);
  let a = 0;
  let input = 0;
  s.candidates.forEach((c, i) => {
    for (const amount of c.amounts) {
      amounts[a] = amount;
      fundedFrom[a++] = funding.perCandidate[i]!;
    }
    txIndex[i] = c.txIndex;
    inputCounts[i] = c.inputTxids.length / TXID_BYTES;
    amountCounts[i] = c.amounts.length;
    inputTxids.set(c.inputTxids, input);
    input += c.inputTxids.length;
  });
  let keys: Uint32Array | undefined;
  return {
    height: s.height,
    hash: s.hash,
    time: s.time,
    txCount: s.txids.length / TXID_BYTES,
    amounts,
    fundedFrom,
    resolvedFrom: funding.resolvedFrom,
    candidateCount: n,
    inputCount,
    txIndex,
    inputCounts,
    amountCounts,
    inputTxids,
    keys: () => (keys ??= txidKeys(s.txids)),
    txid: (j) => s.txids.subarray(TXID_BYTES * j, TXID_BYTES * j + TXID_BYTES),
  };
}
