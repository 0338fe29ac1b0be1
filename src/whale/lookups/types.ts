// Where whale-watch looks transactions up, besides mempool's WebSocket: an Esplora HTTP API
// (electrs, or mempool's own /api/v1 on its electrum/none backends), an Electrum server (romanz/electrs,
// Fulcrum), or Bitcoin Core alone. Each serves what its protocol can: a method it cannot serve is
// absent. A lookup answers null for "I do not know this transaction" and throws when it cannot be
// asked (unreachable, 5xx, an endpoint missing): lookups.ts then skips it for a while.
import type { MempoolTx, MempoolTxOut } from '../../sources/mempool/stream.js';
import type { Passed, RawTxGlance } from '../../sources/rawTxGlance.js';

/** A lookup's name; also the `source` of the outcome rows it settles. */
export type LookupName = 'electrs' | 'mempool' | 'electrum' | 'core';

/** Where a transaction is, as a lookup can tell it. */
export type LookupStatus =
  | { state: 'confirmed'; height: number | null }
  | { state: 'mempool' }
  /** Neither in the mempool nor in the chain, as far as this lookup can see. */
  | { state: 'gone' };

export interface TxLookup {
  readonly name: LookupName;
  /** Where it is, as logs say it: a URL (credentials masked), tcp://host:port, `Bitcoin Core (…)`. */
  readonly label: string;
  /** Answers when the service is there and speaks its protocol (throws with the reason otherwise). */
  probe(): Promise<void>;
  /** Streams every txid in the mempool, a batch at a time; resolves with the count. */
  listMempool?(onBatch: (txids: string[]) => void, signal?: AbortSignal): Promise<number>;
  /**
   * Transactions by txid, in order (null: not known to it). A lookup that reads raw bytes may glance
   * at them first and answer PASSED for a valid transaction `worth` turns down (no object made); the
   * others ignore `worth`.
   */
  fetchTxs?(txids: readonly string[], worth?: (g: RawTxGlance) => boolean): Promise<(MempoolTx | Passed | null)[]>;
  /** How catch-up calls fetchTxs: txids per call and calls at once. */
  readonly fetchBatch?: { size: number; parallel: number };
  /** The transaction with the outputs it spends filled in (Esplora-shaped services do it themselves). */
  txWithPrevouts?(txid: string): Promise<MempoolTx | null>;
  /**
   * Outputs of a transaction by index (`want`: the ones needed; more may come back). null: the
   * transaction is not known to it.
   */
  outputs?(txid: string, want: readonly number[]): Promise<Map<number, MempoolTxOut> | null>;
  /** Where a transaction is, or null when this lookup cannot tell. */
  status?(txid: string): Promise<LookupStatus | null>;
  /** The fee of a mempool transaction (satoshis), or null when not in the mempool. */
  mempoolFee?(txid: string): Promise<number | null>;
  close?(): Promise<void>;
}
