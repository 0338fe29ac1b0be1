// Typed forms of what mempool's WebSocket sends, reduced to the fields this project reads.
// Field names follow mempool's backend (`mempool.interfaces.ts`, Esplora transaction format) so a
// reader can match them against the wire; unknown keys are dropped by the parsers.

export interface MempoolTxOut {
  scriptpubkey: string;
  /** Absent for outputs without an address form (OP_RETURN, bare multisig). */
  scriptpubkey_address?: string;
  scriptpubkey_type?: string;
  /** Satoshis. */
  value: number;
}

export interface MempoolTxIn {
  txid: string;
  vout: number;
  /** The spent output; null for a coinbase or when the backend could not resolve it. */
  prevout: MempoolTxOut | null;
  /** BIP125: a sequence below 0xfffffffe signals replaceability. */
  sequence: number;
  is_coinbase: boolean;
}

export interface MempoolTxStatus {
  confirmed: boolean;
  block_height?: number;
  block_hash?: string;
  block_time?: number;
}

/** mempool's `MempoolTransactionExtended`, as pushed in `mempool-transactions.added`. */
export interface MempoolTx {
  txid: string;
  version: number;
  locktime: number;
  vin: MempoolTxIn[];
  vout: MempoolTxOut[];
  size: number;
  weight: number;
  vsize: number;
  /** Satoshis (0 while `feeUnknown`). */
  fee: number;
  /**
   * Read from a raw transaction (Core, an Electrum server): the spent outputs, hence the fee, are not
   * known yet. Absent for mempool's and Esplora's transactions, which carry their fee.
   */
  feeUnknown?: true;
  /** sat/vB. */
  feePerVsize: number;
  /** sat/vB including CPFP ancestors/descendants; equals feePerVsize when the backend has none. */
  effectiveFeePerVsize: number;
  /** Unix seconds the backend first saw it. */
  firstSeen?: number;
  status: MempoolTxStatus;
}

/** A confirmed block as mempool summarises it (`blocks` / `block` messages). */
export interface MempoolBlock {
  id: string;
  height: number;
  timestamp: number;
  tx_count: number;
  size: number;
  weight: number;
  previousblockhash?: string;
  medianFee?: number;
}

/** A projected block (`mempool-blocks`): what the next blocks would hold, best fee first. */
export interface ProjectedBlock {
  blockSize: number;
  blockVSize: number;
  nTx: number;
  totalFees: number;
  medianFee: number;
  /** Fee-rate percentiles, sat/vB, ascending. */
  feeRange: number[];
}

export interface Replacement {
  replaced: string;
  by: string;
  /** The replacing transaction when the backend sent it whole (mempool does in `mempool-transactions`). */
  byTx?: MempoolTx;
}

export type StreamEvent =
  | { type: 'connected'; url: string; attempt: number }
  | { type: 'disconnected'; reason: string; code?: number; retryInMs: number }
  | { type: 'gap'; expected: number; got: number }
  /** The delta that follows carries the same sequence as the previous one (backend out of sync). */
  | { type: 'repeat'; sequence: number }
  | {
      type: 'transactions';
      sequence: number;
      added: MempoolTx[];
      removed: string[];
      mined: string[];
      replaced: Replacement[];
    }
  | { type: 'block'; block: MempoolBlock }
  | { type: 'blocks'; blocks: MempoolBlock[] }
  | { type: 'mempool-blocks'; blocks: ProjectedBlock[] }
  | { type: 'pong' }
  /** A message (or one key of it) failed validation; the stream goes on. */
  | { type: 'invalid'; key: string; error: Error };

export type StreamEventType = StreamEvent['type'];
export type EventOf<T extends StreamEventType> = Extract<StreamEvent, { type: T }>;
