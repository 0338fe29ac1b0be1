// What a Bitcoin Core beside the fake mempool answers about transactions (the node mempool's backend
// talks to): its mempool (the conflicted ones are gone from it), the transactions the fake's blocks
// mined and the confirmed funding transactions the mempool's spend, with Core's own rules —
// getrawtransaction finds a confirmed one only with txindex (rpc/rawtransaction.cpp), gettxout reads
// the UTXO set (outputs spent by a confirmed transaction are gone; with include_mempool the mempool's
// spends and outputs apply too), getmempoolentry only knows the mempool.
import { fundingBlock } from './electrumView.js';
import { rawTxOf } from './raw.js';
import type { FakeMempoolState } from './state.js';
import type { FakeTx, FakeTxOut } from './txs.js';

export interface CoreTxPlace {
  hex: string;
  /** Where it confirmed; absent while in the mempool. */
  block?: { hash: string; height: number; time: number };
}

export interface CoreUtxo {
  out: FakeTxOut;
  /** 0 for a mempool transaction's output. */
  height: number | null;
}

/** The mempool side of a fake Core (startFakeBitcoind's `mempool` option). */
export interface CoreMempoolView {
  readonly txindex: boolean;
  tipHeight(): number;
  tipHash(): string;
  /** Heights of the blocks it knows by hash (the tip, the blocks that mined transactions, the funding block). */
  blockHeight(hash: string): number | undefined;
  rawMempool(): string[];
  /** A transaction the node has: in the mempool, or confirmed (found only with txindex). */
  tx(txid: string): CoreTxPlace | undefined;
  /** Whether it is confirmed somewhere (so the -5 without txindex says "use -txindex"). */
  utxo(txid: string, n: number, includeMempool: boolean): CoreUtxo | undefined;
  mempoolEntry(txid: string): FakeTx | undefined;
}

export function coreViewOf(state: FakeMempoolState): CoreMempoolView {
  const inMempool = (txid: string) => state.mempool.has(txid) && !state.conflicted.has(txid);
  const confirmedPlace = (txid: string): CoreTxPlace['block'] | undefined => {
    const mined = state.confirmed.get(txid);
    if (mined)
      return { hash: mined.status.block_hash, height: mined.status.block_height, time: mined.status.block_time };
    if (state.funding.has(txid) && !state.mempool.has(txid)) return fundingBlock(state);
    return undefined;
  };
  /** Outpoints spent by confirmed transactions, and by the mempool's. */
  const spentBy = (txs: Iterable<FakeTx>) => {
    const out = new Set<string>();
    for (const t of txs) for (const v of t.vin) if (!v.is_coinbase) out.add(`${v.txid}:${v.vout}`);
    return out;
  };
  const tipHash = () => {
    const last = state.blocks[state.blocks.length - 1];
    return typeof last?.id === 'string' ? last.id : '0'.repeat(64);
  };
  return {
    txindex: state.txindex,
    tipHeight: () => state.tipHeight,
    tipHash,
    blockHeight(hash) {
      if (hash === tipHash()) return state.tipHeight;
      if (hash === fundingBlock(state).hash) return fundingBlock(state).height;
      for (const b of state.blocks) if (b.id === hash && typeof b.height === 'number') return b.height;
      for (const c of state.confirmed.values()) if (c.status.block_hash === hash) return c.status.block_height;
      return undefined;
    },
    rawMempool: () => [...state.mempool.keys()].filter(inMempool),
    tx(txid) {
      const raw = rawTxOf(txid);
      if (!raw) return undefined;
      if (inMempool(txid)) return { hex: raw.toString('hex') };
      const block = confirmedPlace(txid);
      return block && state.txindex ? { hex: raw.toString('hex'), block } : undefined;
    },
    utxo(txid, n, includeMempool) {
      const key = `${txid}:${n}`;
      if (spentBy([...state.confirmed.values()].map((c) => c.tx)).has(key)) return undefined;
      if (includeMempool && spentBy([...state.mempool.values()].filter((t) => inMempool(t.txid))).has(key))
        return undefined;
      const block = confirmedPlace(txid);
      if (block) {
        const mined = state.confirmed.get(txid);
        const out = mined ? mined.tx.vout[n] : state.funding.get(txid)?.get(n);
        return out ? { out, height: block.height } : undefined;
      }
      if (includeMempool && inMempool(txid)) {
        const out = state.mempool.get(txid)!.vout[n];
        return out ? { out, height: 0 } : undefined;
      }
      return undefined;
    },
    mempoolEntry: (txid) => (inMempool(txid) ? state.mempool.get(txid) : undefined),
  };
}
