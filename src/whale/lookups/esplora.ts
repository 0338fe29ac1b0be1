// An Esplora-shaped HTTP API as a lookup: electrs (ELECTRS_API_URL; Blockstream's and mempool's
// electrs, src/rest.rs) or mempool's own /api/v1 routes, which it registers only when its backend is
// not Esplora (bitcoin.routes.ts) and which fill the spent outputs through Core — so they need
// txindex for confirmed parents: without it they answer 500 "Failed to get transaction", which says
// nothing about the transaction (this lookup cannot tell), not that the service is down.
import { SourceError } from '../../errors.js';
import type { EsploraClient } from '../../sources/esplora/client.js';
import type { MempoolTx } from '../../sources/mempool/stream.js';
import type { LookupStatus, TxLookup } from './types.js';

export interface EsploraLookupOptions {
  name: 'electrs' | 'mempool';
  label: string;
  /** `/tx/:txid` requests at once while catching up. */
  concurrency: number;
}

/** mempool's own routes failing for want of txindex (bitcoin.routes.ts `handleError(…, 500, 'Failed to get transaction…')`). */
const cannotTell = (err: unknown, name: string): boolean =>
  name === 'mempool' &&
  err instanceof SourceError &&
  err.details.status === 500 &&
  /Failed to get transaction/.test(err.message);

export function esploraLookup(client: EsploraClient, o: EsploraLookupOptions): TxLookup {
  const tx = async (txid: string): Promise<MempoolTx | null> => {
    try {
      return await client.getTx(txid);
    } catch (err) {
      if (cannotTell(err, o.name)) return null;
      throw err;
    }
  };
  return {
    name: o.name,
    label: o.label,
    probe: async () => void (await client.getTipHeight()),
    listMempool: (onBatch, signal) => client.streamMempoolTxids(onBatch, signal),
    fetchTxs: (txids) => Promise.all(txids.map(tx)),
    fetchBatch: { size: 1, parallel: o.concurrency },
    txWithPrevouts: tx,
    async outputs(txid) {
      const t = await tx(txid);
      return t ? new Map(t.vout.map((out, i) => [i, out])) : null;
    },
    async status(txid): Promise<LookupStatus | null> {
      let s;
      try {
        s = await client.getTxStatus(txid);
      } catch (err) {
        if (cannotTell(err, o.name)) return null;
        // mempool's own route: 404 {"error":"No such mempool or blockchain transaction"} (with txindex).
        if (err instanceof SourceError && err.details.status === 404 && /No such mempool/.test(err.message))
          return { state: 'gone' };
        throw err;
      }
      if (s.confirmed) return { state: 'confirmed', height: s.block_height ?? null };
      // electrs answers {"confirmed":false} for a txid it does not know: only /tx/:txid tells them apart.
      return (await tx(txid)) === null ? { state: 'gone' } : { state: 'mempool' };
    },
    close: () => client.close(),
  };
}
