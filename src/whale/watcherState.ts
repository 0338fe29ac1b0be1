// What a whale watcher is made of, apart from its message handling: the options, the counters, the
// sink rows go to, and the state a delta changes (delta.ts works on that state, the watcher owns it;
// kept here so neither imports the other).
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../log/logger.js';
import type { ProjectedBlock } from '../sources/mempool/stream.js';
import type { ExchangeBook } from './exchanges.js';
import type { PrevoutResolver } from './prevouts.js';
import type { RemovalWindow } from './removals.js';
import type { OutcomeRow, PredictionRow } from './rows.js';
import type { WhaleTracker } from './tracker.js';
import type { TxidSet } from './txidSet.js';

export interface WhaleSink {
  /** `alert`: a new whale (not a replacement of one we follow); the store still checks the database. */
  prediction(row: PredictionRow, info: { alert: boolean; sequence: number }): void;
  outcomes(rows: OutcomeRow[]): void;
}

export interface WatcherStats {
  deltas: number;
  added: number;
  whales: number;
  replacementsFollowed: number;
  confirmed: number;
  replaced: number;
  /** Whales a block's conflicting transaction replaced (settled replaced, confirmed). */
  conflicts: number;
  dropped: number;
  duplicates: number;
  invalid: number;
  gaps: number;
  /** Deltas whose sequence repeated the previous one (the backend out of sync): not gaps. */
  repeats: number;
  evicted: number;
}

/** Why the mempool must be listed again: a new connection, or a jump in the sequence. */
export type ResyncReason = 'start' | 'reconnect' | 'gap';

export interface WatcherOptions {
  thresholdSats: bigint;
  book: ExchangeBook;
  tracker: WhaleTracker;
  /** Every txid seen in the stream or by a catch-up (bounded). */
  seen: TxidSet;
  sink: WhaleSink;
  log: Logger;
  /** Fills the spent outputs mempool left null before a whale is labelled; none: label as sent. */
  prevouts?: PrevoutResolver;
  /**
   * Called after each (re)connect, once the subscription's first `mempool-blocks` arrived (what a
   * prediction needs; mempool answers a `want` at once), and after each sequence gap: the job
   * catches up with the mempool.
   */
  onResync?: (reason: ResyncReason) => void;
  /** How long a (re)connect waits for `mempool-blocks` before catching up anyway (ms, default 5000). */
  contextWaitMs?: number;
  /** The job's clock (default the system clock). */
  clock?: Pick<Clock, 'now'>;
}

/** Promises still running (labels waiting on electrs), so shutdown can wait for them. */
export class PendingSet {
  private readonly set = new Set<Promise<unknown>>();
  get size(): number {
    return this.set.size;
  }
  add(p: Promise<unknown>): void {
    this.set.add(p);
    void p.finally(() => this.set.delete(p));
  }
  async idle(): Promise<void> {
    while (this.set.size > 0) await Promise.allSettled([...this.set]);
  }
}

/** The watcher's state a `mempool-transactions` delta reads and changes (see delta.ts). */
export interface DeltaTarget {
  readonly o: WatcherOptions;
  readonly stats: WatcherStats;
  readonly removals: RemovalWindow;
  readonly labelling: PendingSet;
  readonly tip: number | undefined;
  readonly projection: ProjectedBlock[] | undefined;
  readonly gone: Set<string> | undefined;
  now(): number;
  noteGone(txid: string): void;
  invalid(reason: string): void;
}
