// What the fake mempool backend knows: the tip and recent blocks, the mempool's transactions, the
// delta sequence, prices and fees. REST and WebSocket both read it; the scenario driver changes it.
import { type Json, makeBlock, makeRecentBlocks, projectMempoolBlocks } from './blocks.js';
import { type FakeTx, type FakeTxOut, withoutPrevouts } from './txs.js';

/**
 * Which backend the fake mempool runs on. mempool's default is 'none' (config.ts `BACKEND: 'none'`):
 * transactions come from Bitcoin Core with `prevout: null` on every input (bitcoin-api.ts
 * `$convertTransaction`, loaded with addPrevouts=false by mempool.ts); 'electrum' (an Electrum server
 * for addresses) sends them the same way. 'esplora' fills them. Only on 'none' and 'electrum' does
 * mempool serve Esplora-shaped routes of its own (bitcoin.routes.ts).
 */
export type FakeBackend = 'none' | 'electrum' | 'esplora';

export interface ConfirmedTx {
  tx: FakeTx;
  status: { confirmed: true; block_height: number; block_hash: string; block_time: number };
}

export interface FakeMempoolStateOptions {
  tipHeight?: number;
  /** Recent blocks (mempool's `blocks` list), oldest first; default synthetic blocks up to tipHeight. */
  blocks?: Json[];
  /** USD price and its unix time (default 67000, now). */
  usd?: number;
  priceTime?: number;
  /** Default 'none', as mempool's own default. */
  backend?: FakeBackend;
  /** What /api/v1/backend-info says its version is (default '3.2.1'); below 3.0 it ignores track-mempool. */
  version?: string;
  /** Whether the Bitcoin Core behind it has txindex (its own routes need it for confirmed transactions). */
  txindex?: boolean;
}

/** Currencies mempool's /api/v1/prices reports; the fake derives them from USD with fixed rates. */
const FIAT_PER_USD: Record<string, number> = { EUR: 0.92, GBP: 0.79, CAD: 1.36, CHF: 0.9, AUD: 1.52, JPY: 151.7 };

export class FakeMempoolState {
  tipHeight: number;
  blocks: Json[];
  readonly mempool = new Map<string, FakeTx>();
  /** mempool's `mempoolSequence`: +1 per mempool update or block it announces, while in sync. */
  sequence = 0;
  /**
   * mempool's `memPool.isInSync()`: the sequence advances only while true (websocket-handler.ts
   * `$handleMempoolChange` and `handleNewBlock`: `if (memPool.isInSync()) this.mempoolSequence++`),
   * so while the backend is out of sync every message repeats the last number.
   */
  inSync = true;
  readonly backend: FakeBackend;
  readonly version: string;
  readonly txindex: boolean;
  /** mempool.ts `recentlyDeleted`: the deletions of the last 10 mempool updates, most recent first. */
  recentlyDeleted: FakeTx[][] = [];
  /**
   * Mempool transactions a block conflicted: gone from Core's mempool, but still in the backend's
   * cache (blocks.ts `$applyBlockTransactionsToMempool` deletes only the mined txids) until the next
   * mempool update deletes them and reports them in `removed`.
   */
  readonly conflicted = new Set<string>();
  /** Transactions mined by the fake's blocks, with their block (what electrs reports). */
  readonly confirmed = new Map<string, ConfirmedTx>();
  /** Outputs spent by the transactions the fake has seen, by funding txid and index (electrs serves them). */
  readonly funding = new Map<string, Map<number, FakeTxOut>>();
  /** Explicit projected blocks; undefined = computed from the mempool's contents. */
  projectedOverride: Json[] | undefined;
  /** The /api/v1/prices body; replace wholesale to serve a wrong shape. */
  prices: Json;
  fees: Json = { fastestFee: 8, halfHourFee: 6, hourFee: 5, economyFee: 3, minimumFee: 2 };

  constructor(o: FakeMempoolStateOptions = {}) {
    this.backend = o.backend ?? 'none';
    this.version = o.version ?? '3.2.1';
    this.txindex = o.txindex ?? false;
    this.blocks = o.blocks ?? makeRecentBlocks(o.tipHeight ?? 850_000);
    const last = this.blocks[this.blocks.length - 1];
    this.tipHeight = o.tipHeight ?? (typeof last?.height === 'number' ? last.height : 850_000);
    this.prices = this.pricesFor(o.usd ?? 67_000, o.priceTime ?? Math.floor(Date.now() / 1000));
  }

  /** mempool's shape: {time, USD, EUR, …}; a currency it has no feed for is -1 (its "missing" value). */
  pricesFor(usd: number, time: number): Json {
    const out: Json = { time, USD: usd };
    for (const [cur, rate] of Object.entries(FIAT_PER_USD)) out[cur] = usd > 0 ? Math.round(usd * rate) : -1;
    return out;
  }

  setPrice(usd: number, time = Math.floor(Date.now() / 1000)): void {
    this.prices = this.pricesFor(usd, time);
  }

  /** Remembers the outputs `tx` spends, so electrs can serve its funding transactions. */
  noteFunding(tx: FakeTx): void {
    for (const v of tx.vin) {
      if (v.is_coinbase || !v.prevout) continue;
      let outs = this.funding.get(v.txid);
      if (!outs) this.funding.set(v.txid, (outs = new Map()));
      outs.set(v.vout, v.prevout);
    }
  }

  /** The transaction as the backend puts it on the wire: under BACKEND 'none' without prevouts. */
  wire(tx: FakeTx): FakeTx {
    return this.backend === 'esplora' ? tx : withoutPrevouts(tx);
  }

  mempoolBlocks(): Json[] {
    return this.projectedOverride ?? projectMempoolBlocks(this.mempool.values());
  }

  /** Appends a block at tipHeight+1 (or `height`), keeping the last 8 like mempool's list. */
  advanceTip(block?: Json, height?: number): Json {
    const h = height ?? this.tipHeight + 1;
    const prev = this.blocks[this.blocks.length - 1];
    const b = block ?? makeBlock({ height: h, previousblockhash: typeof prev?.id === 'string' ? prev.id : undefined });
    this.tipHeight = typeof b.height === 'number' ? b.height : h;
    this.blocks = [...this.blocks, b].slice(-8);
    return b;
  }

  /** The stripped form mempool keeps in `transactions` (latest txs) of the init reply. */
  latestTransactions(limit = 6): Json[] {
    const out: Json[] = [];
    for (const tx of this.mempool.values()) {
      if (this.conflicted.has(tx.txid)) continue;
      const value = tx.vout.reduce((s, o) => s + o.value, 0);
      out.push({ txid: tx.txid, fee: tx.fee, vsize: tx.vsize, value, rate: tx.feePerVsize });
    }
    return out.slice(-limit);
  }
}
