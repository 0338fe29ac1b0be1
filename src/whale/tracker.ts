// The whales we are waiting on, bounded: a Map in insertion order, so the oldest entry is first and
// eviction is O(1). Whatever the mempool does (a flood of whales, nothing ever confirming), memory
// stays within WHALE_MAX_TRACKED entries; an evicted whale keeps its row without an outcome, and a
// later run's start-up reload or the timeout check can still settle it.

/** A transaction superseded by a replacement in the same chain (kept to settle its prediction later). */
export interface ChainLink {
  txid: string;
  detectedAtMs: number;
  predictedHeight: number | null;
  window: number | null;
  replacedBy: string;
  replacedAtMs: number;
}

export interface Tracked {
  txid: string;
  /** The first transaction of the chain: the whale as first alerted. */
  rootTxid: string;
  detectedAtMs: number;
  predictedHeight: number | null;
  window: number | null;
  /** Earlier transactions of the chain, oldest first (bounded by MAX_CHAIN). */
  ancestors: ChainLink[];
  /**
   * Outpoints ("txid:vout") the transaction spends, at most MAX_SPENDS: how a catch-up recognises
   * a replacement made while the stream was away (it spends one of them). Empty when unknown (a
   * whale reloaded from the database).
   */
  spends: string[];
}

/** Replacement chains longer than this forget their oldest links (their rows stay `replaced`). */
export const MAX_CHAIN = 32;
/** A replacement spends the same coins, nearly always the first ones: sixteen are plenty to recognise it. */
export const MAX_SPENDS = 16;

export function spendsOf(tx: { vin: readonly { txid: string; vout: number; is_coinbase: boolean }[] }): string[] {
  const out: string[] = [];
  for (const v of tx.vin) {
    if (v.is_coinbase) continue;
    out.push(`${v.txid}:${v.vout}`);
    if (out.length === MAX_SPENDS) break;
  }
  return out;
}

export class WhaleTracker {
  private readonly map = new Map<string, Tracked>();
  evicted = 0;

  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`tracker cap must be a positive integer, got ${cap}`);
  }

  get size(): number {
    return this.map.size;
  }

  has(txid: string): boolean {
    return this.map.has(txid);
  }

  get(txid: string): Tracked | undefined {
    return this.map.get(txid);
  }

  /** Adds (or refreshes) an entry; returns the entries evicted to stay within the cap. */
  add(t: Tracked): Tracked[] {
    this.map.delete(t.txid);
    this.map.set(t.txid, t);
    const out: Tracked[] = [];
    while (this.map.size > this.cap) {
      const oldest = this.map.keys().next().value as string;
      out.push(this.map.get(oldest) as Tracked);
      this.map.delete(oldest);
    }
    this.evicted += out.length;
    return out;
  }

  delete(txid: string): Tracked | undefined {
    const t = this.map.get(txid);
    if (t) this.map.delete(txid);
    return t;
  }

  /** Oldest first. A copy, so callers may delete while iterating. */
  list(): Tracked[] {
    return [...this.map.values()];
  }
}

/** The entry that follows `old` after a replacement by `byTxid` (same root, one more link). */
export function followReplacement(
  old: Tracked,
  by: { txid: string; detectedAtMs: number; predictedHeight: number | null; window: number | null; spends: string[] },
): Tracked {
  const link: ChainLink = {
    txid: old.txid,
    detectedAtMs: old.detectedAtMs,
    predictedHeight: old.predictedHeight,
    window: old.window,
    replacedBy: by.txid,
    replacedAtMs: by.detectedAtMs,
  };
  return { ...by, rootTxid: old.rootTxid, ancestors: [...old.ancestors, link].slice(-MAX_CHAIN) };
}

/**
 * `other` was replaced by the same transaction as `t` (one replacement spending coins of both):
 * `other` and its links join `t`'s links, so both are settled when the replacement is.
 */
export function absorb(t: Tracked, other: Tracked, byTxid: string, atMs: number): Tracked {
  const link: ChainLink = {
    txid: other.txid,
    detectedAtMs: other.detectedAtMs,
    predictedHeight: other.predictedHeight,
    window: other.window,
    replacedBy: byTxid,
    replacedAtMs: atMs,
  };
  return { ...t, ancestors: [...other.ancestors, link, ...t.ancestors].slice(-MAX_CHAIN) };
}
