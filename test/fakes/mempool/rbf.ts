// How the mempool backend pairs replacements with what they replaced, reproduced for the fake:
//  - in a mempool update, `Common.findRbfTransactions(added, deleted)` (backend/src/api/common.ts)
//    matches each new transaction against the deletions of the last 10 updates
//    (`mempool.ts` keeps `recentlyDeleted`, truncated to 10; `websocket-handler.ts`
//    `$handleMempoolChange` passes `recentlyDeletedTransactions.flat()`): a deleted transaction is
//    replaced by an added one that spends one of its outpoints, pays a higher absolute fee and a
//    higher adjusted fee rate;
//  - in a block, `Common.findMinedRbfTransactions(minedTxs, spendMap)` (common.ts, called from
//    `blocks.ts` `$applyBlockTransactionsToMempool`) pairs each mined transaction with the mempool
//    transactions spending the same outpoints: those are "replaced" by the mined one.
import type { FakeTx } from './txs.js';

export interface RbfMatch {
  replaced: FakeTx[];
  by: FakeTx;
}

const key = (txid: string, vout: number): string => `${txid}:${vout}`;

/** common.ts findRbfTransactions: for each added tx, the deleted ones it replaces. */
export function findRbfTransactions(added: readonly FakeTx[], deleted: readonly FakeTx[]): RbfMatch[] {
  const spentBy = new Map<string, FakeTx>();
  for (const tx of deleted) for (const v of tx.vin) spentBy.set(key(v.txid, v.vout), tx);
  const out: RbfMatch[] = [];
  for (const addedTx of added) {
    const found = new Set<FakeTx>();
    for (const v of addedTx.vin) {
      const d = spentBy.get(key(v.txid, v.vout));
      if (
        d &&
        d.txid !== addedTx.txid &&
        // "The new tx must, absolutely speaking, pay at least as much fee as the replaced tx."
        addedTx.fee > d.fee &&
        // "The new transaction must pay more fee per kB than the replaced tx."
        addedTx.adjustedFeePerVsize > d.adjustedFeePerVsize
      )
        found.add(d);
    }
    if (found.size > 0) out.push({ replaced: [...found], by: addedTx });
  }
  return out;
}

/**
 * common.ts findMinedRbfTransactions: mempool transactions spending an outpoint a mined transaction
 * spends, each reported once (upstream deletes the replaced tx's outpoints from the spend map).
 */
export function findMinedRbfTransactions(mined: readonly FakeTx[], mempool: Iterable<FakeTx>): RbfMatch[] {
  const minedIds = new Set(mined.map((t) => t.txid));
  const spendMap = new Map<string, FakeTx>();
  for (const tx of mempool) if (!minedIds.has(tx.txid)) for (const v of tx.vin) spendMap.set(key(v.txid, v.vout), tx);
  const out: RbfMatch[] = [];
  for (const tx of mined) {
    const replaced = new Set<FakeTx>();
    for (const v of tx.vin) {
      const match = spendMap.get(key(v.txid, v.vout));
      if (match && match.txid !== tx.txid) {
        replaced.add(match);
        for (const mv of match.vin) spendMap.delete(key(mv.txid, mv.vout));
      }
      spendMap.delete(key(v.txid, v.vout));
    }
    if (replaced.size > 0) out.push({ replaced: [...replaced], by: tx });
  }
  return out;
}
