// Whales mempool reported `removed`, held back before they are called dropped. The backend pairs a
// replacement with what it replaced against the deletions of its last 10 mempool updates
// (mempool.ts keeps `recentlyDeleted` truncated to 10; websocket-handler.ts `$handleMempoolChange`
// runs `Common.findRbfTransactions(newTransactions, recentlyDeletedTransactions.flat())` but puts
// only the latest update's deletions in `removed`). So a whale removed in update N can still be
// reported `replaced` in any update up to N+9 (its replacement's fetch failed, or the update loop
// hit its 5 s limit first). Only after that is a removal final.
//
// Updates are counted by the deltas that carry them: mempool sends a message only for an update
// that changed something, so nine messages mean at least nine updates, and waiting for them is
// never too short (it may be longer than upstream's window when quiet updates went unannounced).
import type { Tracked } from './tracker.js';

/** mempool.ts: `this.recentlyDeleted.length = Math.min(this.recentlyDeleted.length, 10)`. */
export const RBF_WINDOW_UPDATES = 10;

interface Held {
  t: Tracked;
  /** Later updates still able to report the replacement. */
  left: number;
}

export class RemovalWindow {
  private readonly held = new Map<string, Held>();

  get size(): number {
    return this.held.size;
  }

  /** `t` was removed in the current update: it may be replaced in the next nine. */
  hold(t: Tracked): void {
    this.held.set(t.txid, { t, left: RBF_WINDOW_UPDATES - 1 });
  }

  has(txid: string): boolean {
    return this.held.has(txid);
  }

  /** Takes `txid` out (a late `replaced` named it, or a catch-up settled it). */
  take(txid: string): Tracked | undefined {
    const h = this.held.get(txid);
    if (h) this.held.delete(txid);
    return h?.t;
  }

  list(): Tracked[] {
    return [...this.held.values()].map((h) => h.t);
  }

  /** One more mempool update went by (not counting `except`, removed in it): returns the whales now final. */
  age(except: ReadonlySet<string>): Tracked[] {
    const out: Tracked[] = [];
    for (const [txid, h] of this.held) {
      if (except.has(txid)) continue;
      if (--h.left <= 0) {
        this.held.delete(txid);
        out.push(h.t);
      }
    }
    return out;
  }
}
