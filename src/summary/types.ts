// What a block contributes to a price, once parsed: the shapes the summary, the cache and the
// oracle's window share. The window (oracle/windowAccumulator.ts) reads blocks only through
// WindowBlock and ResolvableBlock, which an in-memory summary (memoryBlock.ts) and a cache entry
// (codec.ts) both implement, so no oracle step knows whether a block came from bytes on disk.

/** Bytes of a txid (internal byte order everywhere below). */
export const TXID_BYTES = 32;

/** A transaction that passed every per-transaction rule and has at least one amount in range. */
export interface Candidate {
  /** Position in the block (0 is the coinbase, so never a candidate). */
  txIndex: number;
  /** Prev txids of its inputs, 32 bytes each (1..5 of them). */
  inputTxids: Uint8Array;
  /** Its in-range outputs in output order, BTC = sats / 1e8 (the reference's double division). */
  amounts: number[];
}

/** One block as the oracle needs it, before the same-day rule. */
export interface BlockSummary {
  height: number;
  /** Display hex of the block hash. */
  hash: string;
  /** Header time (not median time), Unix seconds. */
  time: number;
  /** Every txid of the block in order, 32 bytes each. */
  txids: Uint8Array;
  candidates: Candidate[];
}

/** A block's candidates' funding heights (the same-day rule, see oracle/funding.ts). */
export interface Funding {
  /** The heights hold for windows starting at resolvedFrom or later; height + 1 when nothing is resolved. */
  resolvedFrom: number;
  /** Per candidate: the highest height in [resolvedFrom, height] of a txid one of its inputs spends, or -1. */
  perCandidate: Int32Array;
}

/** What pricing needs from one block once its funding is known: one entry per amount. */
export interface BlockAmounts {
  height: number;
  hash: string;
  time: number;
  txCount: number;
  /** Every candidate's in-range amounts, in block and output order. */
  amounts: Float64Array;
  /** Per amount, its candidate's funding height (-1 for none). */
  fundedFrom: Int32Array;
  resolvedFrom: number;
}

/** A block's txids, read only when a later block of the window is resolved against them. */
export interface BlockTxids {
  /** Each txid's first 4 bytes, little-endian. */
  keys(): Uint32Array;
  /** Txid `j`, 32 bytes: read only when its key matches an input. */
  txid(j: number): Uint8Array;
}

/** A block whose funding already covers the window: its amounts, and its txids for later blocks. */
export interface WindowBlock extends BlockAmounts, BlockTxids {}

/** A block whose candidates' inputs are at hand, so its funding can be worked out for any window. */
export interface ResolvableBlock extends WindowBlock {
  candidateCount: number;
  /** Inputs of all candidates together. */
  inputCount: number;
  /** Per candidate: its transaction's index in the block, its input and amount counts. */
  txIndex: ArrayLike<number>;
  inputCounts: ArrayLike<number>;
  amountCounts: ArrayLike<number>;
  /** Every candidate's input txids, candidate after candidate, 32 bytes each. */
  inputTxids: Uint8Array;
}

/** No funding worked out yet: an empty range, every candidate unfunded. */
export function unresolved(s: Pick<BlockSummary, 'height' | 'candidates'>): Funding {
  return { resolvedFrom: s.height + 1, perCandidate: new Int32Array(s.candidates.length).fill(-1) };
}

export function txCountOf(s: BlockSummary): number {
  return s.txids.length / TXID_BYTES;
}

/** Each txid's first 4 bytes as a little-endian number (what funding's hash table keys on). */
export function txidKeys(txids: Uint8Array): Uint32Array {
  const n = txids.length / TXID_BYTES;
  const out = new Uint32Array(n);
  for (let j = 0, o = 0; j < n; j++, o += TXID_BYTES)
    out[j] = (txids[o]! | (txids[o + 1]! << 8) | (txids[o + 2]! << 16) | (txids[o + 3]! << 24)) >>> 0;
  return out;
}
