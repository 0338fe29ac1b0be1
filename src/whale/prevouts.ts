// Spent outputs for the flow label. Under mempool's default backend (config.ts `BACKEND: 'none'`)
// every input arrives with `prevout: null` (bitcoin-api.ts `$convertTransaction`; mempool.ts loads
// new transactions with addPrevouts=false), so without this every flow would be `unknown`.
// electrs fills them: first `GET /tx/:whale` (its vin[].prevout, one request for every input);
// when electrs does not know the whale yet (its mempool sync lags, 404), `GET /tx/:funding` for each
// funding transaction, taking the output the input spends. Outputs found that way are cached (LRU,
// bounded) and concurrent lookups of one funding transaction share a request. Whatever electrs
// cannot tell stays null, and the label says `unknown` only then (flow.ts).
import type { MempoolTx, MempoolTxIn, MempoolTxOut } from '../sources/mempool/stream.js';
import { Limiter } from './limiter.js';

export interface PrevoutSource {
  /** null: electrs does not know the transaction. Throws when electrs cannot be asked. */
  getTx(txid: string): Promise<MempoolTx | null>;
}

export interface PrevoutStats {
  /** Whales whose prevouts were looked up. */
  lookups: number;
  /** Filled from the whale's own /tx/:txid. */
  fromTx: number;
  /** Filled from funding transactions (or the cache of them). */
  fromFunding: number;
  cacheHits: number;
  /** Inputs electrs could not tell (still null afterwards). */
  missing: number;
  errors: number;
  /** Lookups skipped because too many were already waiting. */
  skipped: number;
}

export interface PrevoutResolverOptions {
  source: PrevoutSource;
  /** Cached spent outputs (default 20,000, a few MB). */
  cacheSize?: number;
  /** Parallel electrs requests (default 4). */
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
  private readonly inflight = new Map<string, Promise<MempoolTx | null>>();
  private readonly limiter: Limiter;
  private pending = 0;

  constructor(private readonly o: PrevoutResolverOptions) {
    this.limiter = new Limiter(o.concurrency ?? 4);
  }

  /** Whether `tx` has inputs whose spent output is missing. */
  static missing(tx: Pick<MempoolTx, 'vin'>): boolean {
    return tx.vin.some(needs);
  }

  /** `tx` with every prevout electrs can tell filled in (a copy; `tx` itself is not changed). */
  async fill(tx: MempoolTx): Promise<MempoolTx> {
    if (!PrevoutResolver.missing(tx)) return tx;
    const signal = this.o.signal;
    if (!signal) return this.lookup(tx);
    if (signal.aborted) return tx;
    // A shutdown must not wait for a hung electrs: the row is written with what is known.
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
      const whole = await this.fetch(tx.txid);
      if (whole && whole.vin.length === vin.length) {
        for (const [i, v] of vin.entries()) {
          const w = whole.vin[i]!;
          if (needs(v) && w.prevout && w.txid === v.txid && w.vout === v.vout) {
            v.prevout = w.prevout;
            this.stats.fromTx++;
          }
        }
      }
      await Promise.all(vin.filter(needs).map((v) => this.fromFunding(v)));
      this.stats.missing += vin.filter(needs).length;
      return { ...tx, vin };
    } finally {
      this.pending--;
    }
  }

  private async fromFunding(v: MempoolTxIn): Promise<void> {
    const key = `${v.txid}:${v.vout}`;
    const hit = this.cache.get(key);
    if (hit) {
      // LRU: re-insert so the entry becomes the newest.
      this.cache.delete(key);
      this.cache.set(key, hit);
      this.stats.cacheHits++;
      v.prevout = hit;
      this.stats.fromFunding++;
      return;
    }
    let funding = this.inflight.get(v.txid);
    if (!funding) {
      funding = this.fetch(v.txid).finally(() => this.inflight.delete(v.txid));
      this.inflight.set(v.txid, funding);
    }
    const tx = await funding;
    const out = tx?.vout[v.vout];
    if (!out) return;
    v.prevout = out;
    this.stats.fromFunding++;
    this.cache.set(key, out);
    const max = this.o.cacheSize ?? 20_000;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value as string);
  }

  /** One electrs request under the concurrency limit; a failure counts and reads as "unknown". */
  private fetch(txid: string): Promise<MempoolTx | null> {
    return this.limiter.run(async () => {
      try {
        return await this.o.source.getTx(txid);
      } catch (err) {
        this.stats.errors++;
        this.o.onError?.(err, txid);
        return null;
      }
    });
  }
}
