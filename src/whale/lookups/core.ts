// Bitcoin Core as a lookup, for an operator with no index server (or as the one that answers when
// the index does not): the listing (`getrawmempool`), raw transactions in JSON-RPC batches read by
// our own parser, the coins a transaction spends (`gettxout <txid> <n> false`, which needs no txindex
// — the chain's UTXO set still has the coins a mempool transaction spends — or the parent's raw bytes
// when it is itself in the mempool), a mempool transaction's fee, and where a transaction is
// (`getrawtransaction <txid> true`; without txindex a confirmed one is found through its own outputs,
// which gettxout reports with their confirmations while they are unspent).
import type { BitcoinNetwork } from '../../config/network.js';
import {
  getBlockHeight,
  getMempoolFee,
  getRawTransactions,
  getTransactionPlace,
  getTxOut,
  streamRawMempool,
} from '../../sources/bitcoind/mempool.js';
import type { RpcClient } from '../../sources/bitcoind/rpc.js';
import type { MempoolTxOut } from '../../sources/mempool/stream.js';
import { describeOutput, mempoolTxFromRaw } from '../../sources/rawTx.js';
import { glanceRawTxs } from '../../sources/rawTxGlance.js';
import type { LookupStatus, TxLookup } from './types.js';

export interface CoreLookupOptions {
  network: BitcoinNetwork;
  label: string;
  /** getrawtransaction calls per JSON-RPC batch, and batches at once, while catching up. */
  batchSize?: number;
  parallel?: number;
}

/**
 * A catch-up's getrawtransaction calls per JSON-RPC batch, and batches at once: three leave one of
 * Core's four default RPC threads (rpcthreads) to everything else.
 */
export const CORE_FETCH_BATCH = { size: 250, parallel: 3 } as const;

/** Outputs of a transaction looked at to find where it confirmed (a whale has a few). */
const STATUS_OUTPUTS = 4;

export function coreLookup(rpc: RpcClient, o: CoreLookupOptions): TxLookup {
  const service = 'Bitcoin Core';
  const parse = (hex: string, txid: string) => mempoolTxFromRaw(hex, txid, { network: o.network, service });
  return {
    name: 'core',
    label: o.label,
    probe: async () => void (await rpc.call('getblockcount')),
    // Read as it streams: batches per network chunk, WebSocket messages read in between.
    listMempool: (onBatch) => streamRawMempool(rpc, onBatch),
    async fetchTxs(txids, worth) {
      const hexes = await getRawTransactions(rpc, txids);
      if (worth) return glanceRawTxs(hexes, txids, worth, parse);
      return hexes.map((hex, i) => (hex === null ? null : parse(hex, txids[i]!)));
    },
    fetchBatch: { size: o.batchSize ?? CORE_FETCH_BATCH.size, parallel: o.parallel ?? CORE_FETCH_BATCH.parallel },
    async outputs(txid, want) {
      const found = new Map<number, MempoolTxOut>();
      for (const n of want) {
        const out = await getTxOut(rpc, txid, n, false);
        if (out) found.set(n, describeOutput(Buffer.from(out.scriptHex, 'hex'), out.value, o.network));
      }
      if (found.size === want.length) return found;
      // Not in the chain's UTXO set: a parent still in the mempool (getrawtransaction needs no txindex for it).
      const [hex] = await getRawTransactions(rpc, [txid]);
      if (hex === null) return found.size ? found : null;
      const parent = parse(hex!, txid);
      for (const [i, out] of parent.vout.entries()) if (!found.has(i)) found.set(i, out);
      return found;
    },
    async status(txid): Promise<LookupStatus | null> {
      const place = await getTransactionPlace(rpc, txid);
      if (!('missing' in place)) {
        if (place.blockhash && place.confirmations > 0)
          return { state: 'confirmed', height: (await getBlockHeight(rpc, place.blockhash)) - place.confirmations + 1 };
        return { state: 'mempool' };
      }
      // Not in the mempool. With txindex Core would have found it confirmed: it is gone. Without,
      // an output still unspent says where it confirmed; all spent (or gone) cannot be told apart.
      if (place.missing === 'everywhere') return { state: 'gone' };
      for (let n = 0; n < STATUS_OUTPUTS; n++) {
        const out = await getTxOut(rpc, txid, n, false);
        if (out && out.confirmations > 0)
          return { state: 'confirmed', height: (await getBlockHeight(rpc, out.bestblock)) - out.confirmations + 1 };
      }
      return null;
    },
    mempoolFee: (txid) => getMempoolFee(rpc, txid),
  };
}
