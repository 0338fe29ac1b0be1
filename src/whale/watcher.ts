// The whale-watch state machine: stream events in, prediction and outcome rows out (to a sink). It
// knows nothing of sockets, DuckDB or webhooks, so tests feed it events directly and the job wires it
// to MempoolStream and the store. Deltas are handled in delta.ts; this file keeps the chain context
// (tip height, projected blocks), the whales held back after a removal, and the counters.
import { systemClock } from '../lib/clock.js';
import type { MempoolBlock, ProjectedBlock, StreamEvent } from '../sources/mempool/stream.js';
import { applyDelta } from './delta.js';
import { LogBudget } from './logBudget.js';
import { RemovalWindow } from './removals.js';
import {
  PendingSet,
  type DeltaTarget,
  type ResyncReason,
  type WatcherOptions,
  type WatcherStats,
} from './watcherState.js';

export {
  PendingSet,
  type ResyncReason,
  type WatcherOptions,
  type WatcherStats,
  type WhaleSink,
} from './watcherState.js';

export class WhaleWatcher implements DeltaTarget {
  tip: number | undefined;
  projection: ProjectedBlock[] | undefined;
  readonly removals = new RemovalWindow();
  readonly labelling = new PendingSet();
  readonly stats: WatcherStats = {
    deltas: 0,
    added: 0,
    whales: 0,
    replacementsFollowed: 0,
    confirmed: 0,
    replaced: 0,
    conflicts: 0,
    dropped: 0,
    duplicates: 0,
    invalid: 0,
    gaps: 0,
    repeats: 0,
    evicted: 0,
  };
  readonly now: () => number;
  /**
   * While a catch-up runs: txids the stream reported mined or removed, so a fetch that was already
   * under way when they left does not bring them back (electrs may not have seen the block yet).
   */
  gone: Set<string> | undefined;
  private connects = 0;
  /** A catch-up owed to a (re)connect, waiting for the subscription's `mempool-blocks`. */
  private owed: { reason: ResyncReason; timer: NodeJS.Timeout } | undefined;
  // A flood of broken messages must not flood the log: 20 lines an hour, all counted.
  private readonly invalidLog = new LogBudget(20, 3_600_000);

  constructor(readonly o: WatcherOptions) {
    const clock = o.clock ?? systemClock;
    this.now = () => clock.now();
  }

  noteGone(txid: string): void {
    // Bounded: a pass lasts minutes at most, a block adds a few thousand.
    if (this.gone && this.gone.size < 200_000) this.gone.add(txid);
  }

  /** Followed whales, the held-back removals included. */
  get following(): number {
    return this.o.tracker.size + this.removals.size;
  }

  handle(ev: StreamEvent): void {
    switch (ev.type) {
      case 'connected': {
        const reason = this.connects++ === 0 ? 'start' : 'reconnect';
        clearTimeout(this.owed?.timer);
        const timer = setTimeout(() => this.payResync(), this.o.contextWaitMs ?? 5_000);
        timer.unref();
        this.owed = { reason, timer };
        break;
      }
      case 'blocks':
        for (const b of ev.blocks) if (this.tip === undefined || b.height > this.tip) this.tip = b.height;
        break;
      case 'block':
        this.onBlock(ev.block);
        break;
      case 'mempool-blocks':
        this.projection = ev.blocks;
        this.payResync();
        break;
      case 'transactions':
        applyDelta(this, ev);
        break;
      case 'repeat':
        this.stats.repeats++;
        break;
      case 'gap':
        this.stats.gaps++;
        this.o.log.warn(
          { expected: ev.expected, got: ev.got, gaps: this.stats.gaps },
          'mempool-transactions sequence jumped: messages were missed; catching up with the mempool',
        );
        this.o.onResync?.('gap');
        break;
      case 'invalid':
        this.invalid(`message key ${ev.key}: ${ev.error.message}`);
        break;
      default:
        break;
    }
  }

  private payResync(): void {
    const owed = this.owed;
    if (!owed) return;
    clearTimeout(owed.timer);
    this.owed = undefined;
    this.o.onResync?.(owed.reason);
  }

  /** Stops the wait for a (re)connect's context (shutdown). */
  close(): void {
    clearTimeout(this.owed?.timer);
    this.owed = undefined;
  }

  invalid(why: string): void {
    this.stats.invalid++;
    const b = this.invalidLog.take();
    if (b.log)
      this.o.log.warn({ invalid: this.stats.invalid, suppressed: b.suppressed }, `skipped invalid data: ${why}`);
  }

  /**
   * The tip follows `block` messages (`blocks`, sent on subscribing, lists recent blocks, so there only
   * a higher height moves it). A lower `block` height is a reorg, which mempool announces the same way.
   */
  private onBlock(b: MempoolBlock): void {
    if (this.tip !== undefined && b.height < this.tip)
      this.o.log.warn({ tip: this.tip, height: b.height }, 'block height went backwards (reorg); following it');
    this.tip = b.height;
  }
}
