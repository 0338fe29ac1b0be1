// Spent outputs for the flow label. Under mempool's `none` and `electrum` backends every input
// arrives with `prevout: null` (bitcoin-api.ts `$convertTransaction`; mempool.ts loads new
// transactions with addPrevouts=false), and a transaction read from Core or an Electrum server has
// none either, so without this every flow would be `unknown`. The lookups fill them (lookups.ts,
// in the operator's order): first the whale as a whole from a service that fills prevouts itself
// (Esplora: electrs `GET /tx/:whale`, mempool's own route); otherwise the outputs it spends, per
// funding transaction (Esplora `/tx/:funding`, Electrum `blockchain.transaction.get`, Core
// `gettxout <txid> <n> false` or the parent's raw bytes while it is in the mempool). Outputs found
// that way are cached (LRU, bounded) and concurrent lookups of one funding transaction share a
// request. Whatever no lookup can tell stays null, and the label says `unknown` only then (flow.ts).
import type { MempoolTx, MempoolTxIn, MempoolTxOut } from '../sources/mempool/stream.js';
import { Limiter } from './limiter.js';

export interface PrevoutSource {
  /** The transaction with its prevouts filled, or null when no such service knows it. */
  txWithPrevouts(txid: string): Promise<MempoolTx | null>;
  /** Outputs of `txid` (at least those in `want` that exist), or null when it is not known. */
  outputs(txid: string, want: readonly number[]): Promise<Map<number, MempoolTxOut> | null>;
}

export interface PrevoutStats {
  /** Whales whose prevouts were looked up. */
  lookups: number;
  /** Filled from the whale's own transaction (a service that fills prevouts). */
  fromTx: number;
  /** Filled from funding transactions (or the cache of them). */
  fromFunding: number;
  cacheHits: number;
  /** Inputs no lookup could tell (still null afterwards). */
  missing: number;
  /** Lookups that threw (a lookup chain absorbs failures itself; a bare source may not). */
  errors: number;
  /** Lookups skipped because too many were already waiting. */
  skipped: number;
}

export interface PrevoutResolverOptions {
  source: PrevoutSource;
  /** Cached spent outputs (default 20,000, a few MB). */
  cacheSize?: number;
  /** Parallel requests (default 4). */
  concurrency?: number;
  /** Lookups allowed to wait at once; beyond it a whale is labelled with what it has (default 1,000). */
  maxPending?: number;
  /** Called once per failed request (the caller decides how much to log). */
  onError?: (err: unknown, txid: string) => void;
  /** Once aborted (shutdown), lookups still waiting give up: the whale is labelled with what it has. */
  signal?: AbortSignal;
}

const needs = (v: MempoolTxIn): boolean => v.prevout === null && !v.is_coinbase;

export class PrevoutResolver {
  readonly stats: PrevoutStats = {
    lookups: 0,
    fromTx: 0,
    fromFunding: 0,
    cacheHits: 0,
    missing: 0,
    errors: 0,
    skipped: 0,
  };
  private readonly cache = new Map<string, MempoolTxOut>();
  private readonly inflight = new Map<string, Promise<Map<number, MempoolTxOut> | null>>();
  private readonly limiter: Limiter;
  private pending = 0;

  constructor(private readonly o: PrevoutResolverOptions) {
    this.limiter = new Limiter(o.concurrency ?? 4);
  }

  /** Forgets the cached spent outputs (memory pressure: they are looked up again when needed). */
  clearCache(): void {
    this.cache.clear();
  }

  /** Whether `tx` has inputs whose spent output is missing. */
  static missing(tx: Pick<MempoolTx, 'vin'>): boolean {
    return tx.vin.some(needs);
  }

  /** `tx` with every prevout the lookups can tell filled in (a copy; `tx` itself is not changed). */
  async fill(tx: MempoolTx): Promise<MempoolTx> {
    if (!PrevoutResolver.missing(tx)) return tx;
    const signal = this.o.signal;
    if (!signal) return this.lookup(tx);
    if (signal.aborted) return tx;
    // A shutdown must not wait for a hung service: the row is written with what is known.
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<MempoolTx>((resolve) => {
      onAbort = () => resolve(tx);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.lookup(tx), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  private async lookup(tx: MempoolTx): Promise<MempoolTx> {
    const maxPending = this.o.maxPending ?? 1_000;
    if (this.pending >= maxPending) {
      this.stats.skipped++;
      this.stats.missing += tx.vin.filter(needs).length;
      return tx;
    }
    this.pending++;
    this.stats.lookups++;
    try {
      const vin = tx.vin.map((v) => ({ ...v }));
      // The whole transaction first: one request for every input.
      const whole = await this.guard(tx.txid, () => this.o.source.txWithPrevouts(tx.txid));
      if (whole && whole.vin.length === vin.length) {
        for (const [i, v] of vin.entries()) {
          const w = whole.vin[i]!;
          if (needs(v) && w.prevout && w.txid === v.txid && w.vout === v.vout) {
            v.prevout = w.prevout;
            this.stats.fromTx++;
          }
        }
      }
      // Then per funding transaction, all its inputs at once.
      const byFunding = new Map<string, MempoolTxIn[]>();
      for (const v of vin) {
        if (!needs(v)) continue;
        const hit = this.cached(`${v.txid}:${v.vout}`);
        if (hit) {
          v.prevout = hit;
          this.stats.cacheHits++;
          this.stats.fromFunding++;
          continue;
        }
        const group = byFunding.get(v.txid);
        if (group) group.push(v);
        else byFunding.set(v.txid, [v]);
      }
      await Promise.all([...byFunding].map(([txid, inputs]) => this.fromFunding(txid, inputs)));
      this.stats.missing += vin.filter(needs).length;
      return { ...tx, vin };
    } finally {
      this.pending--;
    }
  }

  /** Fills `inputs` (all spending `txid`) from its outputs, sharing a request already in flight. */
  private async fromFunding(txid: string, inputs: MempoolTxIn[]): Promise<void> {
    const want = inputs.map((v) => v.vout);
    let outs = await (this.inflight.get(txid) ?? this.request(txid, want));
    // The request in flight was for other outputs of the same transaction: ask for these.
    if (outs && want.some((n) => !outs!.has(n))) {
      const more = await this.request(txid, want);
      if (more) outs = new Map([...outs, ...more]);
    }
    for (const v of inputs) {
      const out = outs?.get(v.vout);
      if (!out) continue;
      v.prevout = out;
      this.stats.fromFunding++;
      this.cache.set(`${v.txid}:${v.vout}`, out);
    }
    const max = this.o.cacheSize ?? 20_000;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value as string);
  }

  private request(txid: string, want: number[]): Promise<Map<number, MempoolTxOut> | null> {
    const p = this.guard(txid, () => this.o.source.outputs(txid, want)).finally(() => {
      if (this.inflight.get(txid) === p) this.inflight.delete(txid);
    });
    this.inflight.set(txid, p);
    return p;
  }

  /** LRU: a hit is re-inserted so the entry becomes the newest. */
  private cached(key: string): MempoolTxOut | undefined {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** One request under the concurrency limit; a failure counts and reads as "unknown". */
  private guard<T>(txid: string, ask: () => Promise<T | null>): Promise<T | null> {
    return this.limiter.run(async () => {
      try {
        return await ask();
      } catch (err) {
        this.stats.errors++;
        this.o.onError?.(err, txid);
        return null;
      }
    });
  }
}
