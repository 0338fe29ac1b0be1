// An Electrum server as a lookup (romanz/electrs, Fulcrum): raw transactions by txid
// (`blockchain.transaction.get`), read by our own parser, and where one confirmed (its verbose form:
// both servers index every confirmed transaction, so no txindex is needed). The protocol has no way
// to list the mempool, so it never serves the catch-up's listing.
import type { BitcoinNetwork } from '../../config/network.js';
import { ElectrumError, type ElectrumClient } from '../../sources/electrum/client.js';
import { mempoolTxFromRaw } from '../../sources/rawTx.js';
import type { MempoolTx } from '../../sources/mempool/stream.js';
import type { LookupStatus, TxLookup } from './types.js';

/**
 * The server's "no such transaction": romanz/electrs passes bitcoind's -5 on as code 2 (its own index
 * has every confirmed one, so it is in neither place), Fulcrum answers code 1.
 */
function unknownTx(err: unknown): boolean {
  return (
    err instanceof ElectrumError &&
    /No such mempool|No transaction matching|not found|missing transaction/i.test(err.rpcMessage)
  );
}

export function electrumLookup(client: ElectrumClient, network: BitcoinNetwork): TxLookup {
  const tx = async (txid: string): Promise<MempoolTx | null> => {
    let hex: string;
    try {
      hex = await client.getTransactionHex(txid);
    } catch (err) {
      if (unknownTx(err)) return null;
      throw err;
    }
    return mempoolTxFromRaw(hex, txid, { network, service: `Electrum server ${client.label}` });
  };
  return {
    name: 'electrum',
    label: client.label,
    probe: async () => void (await client.getTipHeight()),
    fetchTxs: (txids) => Promise.all(txids.map(tx)),
    fetchBatch: { size: 1, parallel: 8 },
    async outputs(txid) {
      const t = await tx(txid);
      return t ? new Map(t.vout.map((out, i) => [i, out])) : null;
    },
    async status(txid): Promise<LookupStatus | null> {
      let v: Record<string, unknown>;
      try {
        v = await client.getTransactionVerbose(txid);
      } catch (err) {
        if (unknownTx(err)) return { state: 'gone' };
        throw err;
      }
      const conf = v.confirmations;
      if (typeof conf !== 'number' || conf <= 0) return { state: 'mempool' };
      return { state: 'confirmed', height: (await client.getTipHeight()) - conf + 1 };
    },
    close: () => client.close(),
  };
}
