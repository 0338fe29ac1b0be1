// Settling whales the stream has said nothing about for WHALE_OUTCOME_TIMEOUT_MIN, through the
// lookups (lookups.ts: electrs `/tx/:txid/status`, an Electrum server's verbose transaction, Core):
// confirmed -> settled at that height; anything else (still in the mempool, gone, or no lookup can
// tell) -> `expired`, with the lookup that answered as its source (`timeout` when none could).
// (After a reconnect or a sequence jump, catchUp.ts does the same for every followed whale.)
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../log/logger.js';
import type { WhaleLookups } from './lookups/lookups.js';
import { confirmedRows, unconfirmedRows } from './outcomes.js';
import type { WhaleTracker } from './tracker.js';
import type { WhaleSink } from './watcher.js';

export interface ReconcileStats {
  checked: number;
  confirmed: number;
  expired: number;
  errors: number;
}

export interface ReconcilerOptions {
  tracker: WhaleTracker;
  lookups: Pick<WhaleLookups, 'status'>;
  sink: Pick<WhaleSink, 'outcomes'>;
  log: Logger;
  timeoutMs: number;
  /** The job's clock (default the system clock). */
  clock?: Pick<Clock, 'now'>;
  /** Parallel lookups (default 4): the index server shares the machine with Core. */
  concurrency?: number;
  /** Whales checked per pass at most, oldest first (default 500); the next pass takes the rest. */
  maxPerPass?: number;
}

export class Reconciler {
  readonly stats: ReconcileStats = { checked: 0, confirmed: 0, expired: 0, errors: 0 };
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly o: ReconcilerOptions) {
    const clock = o.clock ?? systemClock;
    this.now = () => clock.now();
  }

  /** Checks the whales older than the timeout, settling the unconfirmed ones as expired (one pass at a time). */
  checkTimeouts(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Resolves when no pass is running (used before the final flush). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pass(): Promise<void> {
    const now = this.now();
    const due = this.o.tracker
      .list()
      .filter((t) => now - t.detectedAtMs >= this.o.timeoutMs)
      .slice(0, this.o.maxPerPass ?? 500);
    if (due.length === 0) return;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length) {
        const t = due[next++]!;
        let r;
        try {
          r = await this.o.lookups.status(t.txid);
        } catch {
          this.stats.errors++;
          continue;
        }
        this.stats.checked++;
        // The stream may have settled it while we waited on the lookup.
        if (this.o.tracker.get(t.txid) !== t) continue;
        const at = this.now();
        if (r?.status.state === 'confirmed') {
          this.o.tracker.delete(t.txid);
          this.stats.confirmed++;
          this.o.sink.outcomes(confirmedRows(t, r.status.height, at, r.source));
        } else if (at - t.detectedAtMs >= this.o.timeoutMs) {
          this.o.tracker.delete(t.txid);
          this.stats.expired++;
          this.o.sink.outcomes(unconfirmedRows(t, 'expired', at, r?.source ?? 'timeout'));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency ?? 4, due.length) }, worker));
    this.o.log.info({ due: due.length, ...this.stats }, 'checked whales past the outcome timeout through the lookups');
  }
}
