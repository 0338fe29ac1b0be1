// Parsed Bitcoin structures. Hashes shown to people are hex in display order (byte-reversed, as
// block explorers and `getblock` print them); the `...LE` fields keep internal (wire) byte order.

/** Largest amount that can exist, in satoshis (21e6 BTC). Consensus rejects outputs above it. */
export const MAX_MONEY = 2_100_000_000_000_000;

export interface BlockHeader {
  version: number;
  /** Display hex of the previous block's hash. */
  prevHash: string;
  /** Display hex of the merkle root as written in the header. */
  merkleRoot: string;
  /** Unix seconds, as the miner wrote it. */
  time: number;
  bits: number;
  nonce: number;
  /** Display hex of sha256d(header). */
  hash: string;
}

export interface TxInput {
  /** 32 bytes, internal byte order; may be a view into the block's bytes. */
  prevTxidLE: Uint8Array;
  /** Display hex of prevTxidLE, computed on first read. */
  readonly prevTxid: string;
  prevIndex: number;
  /** May be a view into the block's bytes. */
  scriptSig: Uint8Array;
  sequence: number;
  /** Witness stack items (views); [] when the input has none or the tx is not segwit. */
  witness: Uint8Array[];
}

export interface TxOutput {
  /** Satoshis, an exact integer in 0..MAX_MONEY (anything else is a DataError). */
  value: number;
  /** scriptPubKey; may be a view into the block's bytes. */
  script: Uint8Array;
}

export interface Transaction {
  /** sha256d of the non-witness serialization, internal byte order. */
  txidLE: Uint8Array;
  /** Display hex of txidLE, computed on first read and cached. */
  readonly txid: string;
  version: number;
  /** Serialized with the BIP144 marker 0x00 and flag 0x01. */
  segwit: boolean;
  inputs: TxInput[];
  outputs: TxOutput[];
  locktime: number;
  /** Bytes of the full serialization (with witness). */
  size: number;
  /** Bytes of the serialization without marker, flag and witnesses. */
  baseSize: number;
  /** BIP141 weight: baseSize*3 + size. */
  weight: number;
  /** Consensus coinbase: exactly one input, prev txid all zero and index 0xffffffff. */
  isCoinbase: boolean;
  /**
   * SOME input (not necessarily the only one) has prev txid all zero and index 0xffffffff.
   * This is the oracle's coinbase rule (oracle.md §2); use this one there, not isCoinbase.
   */
  hasNullPrevout: boolean;
}

export interface Block {
  header: BlockHeader;
  txs: Transaction[];
  /** Bytes of the whole block. */
  size: number;
}

export interface ParseBlockOptions {
  /** Recompute the merkle root from the txids and compare with the header. Default true. */
  verifyMerkle?: boolean;
  /**
   * When any tx carries witness data, check the coinbase's BIP141 witness commitment against the
   * wtxids, so witness bytes (which the oracle reads) are authenticated too. Default true; synthetic
   * blocks without a commitment can pass false.
   */
  verifyWitness?: boolean;
}
