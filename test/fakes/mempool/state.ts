// What the fake mempool backend knows: the tip and recent blocks, the mempool's transactions, the
// delta sequence, prices and fees. REST and WebSocket both read it; the scenario driver changes it.
import { type Json, makeBlock, makeRecentBlocks, projectMempoolBlocks } from './blocks.js';
import type { FakeTx } from './txs.js';

export interface FakeMempoolStateOptions {
  tipHeight?: number;
  /** Recent blocks (mempool's `blocks` list), oldest first; default synthetic blocks up to tipHeight. */
  blocks?: Json[];
  /** USD price and its unix time (default 67000, now). */
  usd?: number;
  priceTime?: number;
}

/** Currencies mempool's /api/v1/prices reports; the fake derives them from USD with fixed rates. */
const FIAT_PER_USD: Record<string, number> = { EUR: 0.92, GBP: 0.79, CAD: 1.36, CHF: 0.9, AUD: 1.52, JPY: 151.7 };

export class FakeMempoolState {
  tipHeight: number;
  blocks: Json[];
  readonly mempool = new Map<string, FakeTx>();
  /** mempool's `mempoolSequence`: +1 per mempool update or block it announces. */
  sequence = 0;
  /** Explicit projected blocks; undefined = computed from the mempool's contents. */
  projectedOverride: Json[] | undefined;
  /** The /api/v1/prices body; replace wholesale to serve a wrong shape. */
  prices: Json;
  fees: Json = { fastestFee: 8, halfHourFee: 6, hourFee: 5, economyFee: 3, minimumFee: 2 };

  constructor(o: FakeMempoolStateOptions = {}) {
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
      const value = tx.vout.reduce((s, o) => s + o.value, 0);
      out.push({ txid: tx.txid, fee: tx.fee, vsize: tx.vsize, value, rate: tx.feePerVsize });
    }
    return out.slice(-limit);
  }
}
