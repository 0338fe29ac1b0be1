// Settling whales the stream has said nothing about for WHALE_OUTCOME_TIMEOUT_MIN, through electrs
// (`/tx/:txid/status`): confirmed -> settled at that height; still unconfirmed -> `expired`.
// (After a reconnect or a sequence jump, catchUp.ts does the same for every followed whale.)
// electrs answers {"confirmed":false} for txids it does not know, so "dropped" and "still waiting"
// look alike there. A failing electrs leaves whales followed, with a few log lines per hour.
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../log/logger.js';
import type { EsploraSource } from '../sources/types.js';
import { LogBudget } from './logBudget.js';
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
  esplora: EsploraSource;
  sink: Pick<WhaleSink, 'outcomes'>;
  log: Logger;
  timeoutMs: number;
  /** The job's clock (default the system clock). */
  clock?: Pick<Clock, 'now'>;
  /** Parallel electrs requests (default 4): electrs shares the machine with Core. */
  concurrency?: number;
  /** Whales checked per pass at most, oldest first (default 500); the next pass takes the rest. */
  maxPerPass?: number;
}

export class Reconciler {
  readonly stats: ReconcileStats = { checked: 0, confirmed: 0, expired: 0, errors: 0 };
  private running: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly errorLog = new LogBudget(5, 3_600_000);

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
        let status;
        try {
          status = await this.o.esplora.getTxStatus(t.txid);
        } catch (err) {
          this.stats.errors++;
          const b = this.errorLog.take();
          if (b.log)
            this.o.log.warn(
              { txid: t.txid, err: (err as Error).message, suppressed: b.suppressed },
              'electrs status check failed; whale stays followed',
            );
          continue;
        }
        this.stats.checked++;
        // The stream may have settled it while we waited on electrs.
        if (this.o.tracker.get(t.txid) !== t) continue;
        const at = this.now();
        if (status.confirmed) {
          this.o.tracker.delete(t.txid);
          this.stats.confirmed++;
          this.o.sink.outcomes(confirmedRows(t, status.block_height ?? null, at, 'electrs'));
        } else if (at - t.detectedAtMs >= this.o.timeoutMs) {
          this.o.tracker.delete(t.txid);
          this.stats.expired++;
          this.o.sink.outcomes(unconfirmedRows(t, 'expired', at, 'electrs'));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency ?? 4, due.length) }, worker));
    this.o.log.info({ due: due.length, ...this.stats }, 'checked whales past the outcome timeout through electrs');
  }
}
