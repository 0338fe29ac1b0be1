// Settling whales through electrs (`/tx/:txid/status`) when the stream cannot tell us:
//  - after a sequence gap (or a reconnect), any followed whale may have been mined meanwhile: a
//    confirmed status settles it, an unconfirmed one keeps it followed;
//  - after WHALE_OUTCOME_TIMEOUT_MIN, a whale still unconfirmed is settled `expired`.
// electrs answers {"confirmed":false} for txids it does not know, so "dropped" and "still waiting"
// look alike there; only the stream's `removed` says dropped. A failing electrs leaves whales followed.
import type { Logger } from '../log/logger.js';
import type { EsploraSource } from '../sources/types.js';
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
  now?: () => number;
  /** Parallel electrs requests (default 4): electrs shares the machine with Core. */
  concurrency?: number;
  /** Whales checked per pass at most, oldest first (default 500); the next pass takes the rest. */
  maxPerPass?: number;
}

export class Reconciler {
  readonly stats: ReconcileStats = { checked: 0, confirmed: 0, expired: 0, errors: 0 };
  private running: Promise<void> | undefined;
  private again: 'all' | 'timeouts' | undefined;
  private readonly now: () => number;

  constructor(private readonly o: ReconcilerOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Checks every followed whale (after a gap). Coalesces: one pass runs at a time. */
  reconcileAll(): Promise<void> {
    return this.schedule('all');
  }

  /** Checks only the whales older than the timeout, settling the unconfirmed ones as expired. */
  checkTimeouts(): Promise<void> {
    return this.schedule('timeouts');
  }

  /** Resolves when no pass is running (used before the final flush). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(kind: 'all' | 'timeouts'): Promise<void> {
    if (this.running) {
      if (kind === 'all' || this.again === undefined) this.again = kind;
      return this.running;
    }
    this.running = this.pass(kind).finally(() => {
      this.running = undefined;
      const next = this.again;
      this.again = undefined;
      if (next) void this.schedule(next);
    });
    return this.running;
  }

  private async pass(kind: 'all' | 'timeouts'): Promise<void> {
    const now = this.now();
    const due = this.o.tracker
      .list()
      .filter((t) => kind === 'all' || now - t.detectedAtMs >= this.o.timeoutMs)
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
          this.o.log.warn(
            { txid: t.txid, err: (err as Error).message },
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
    this.o.log.info({ kind, due: due.length, ...this.stats }, 'reconciled whales through electrs');
  }
}
