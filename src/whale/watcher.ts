// The whale-watch state machine: stream events in, prediction and outcome rows out (to a sink). It
// knows nothing of sockets, DuckDB or webhooks, so tests feed it events directly and the job wires it
// to MempoolStream and the store. Deltas are handled in delta.ts; this file keeps the chain context
// (tip height, projected blocks) and the counters.
import type { Logger } from '../log/logger.js';
import type { MempoolBlock, ProjectedBlock, StreamEvent } from '../sources/mempool/stream.js';
import { applyDelta } from './delta.js';
import type { ExchangeBook } from './exchanges.js';
import type { OutcomeRow, PredictionRow } from './rows.js';
import type { WhaleTracker } from './tracker.js';

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
  dropped: number;
  duplicates: number;
  invalid: number;
  gaps: number;
  evicted: number;
}

export interface WatcherOptions {
  thresholdSats: bigint;
  book: ExchangeBook;
  tracker: WhaleTracker;
  sink: WhaleSink;
  log: Logger;
  /** Called on a sequence gap, after it is counted (the job reconciles through electrs). */
  onGap?: (expected: number, got: number) => void;
  now?: () => number;
}

export class WhaleWatcher {
  tip: number | undefined;
  projection: ProjectedBlock[] | undefined;
  readonly stats: WatcherStats = {
    deltas: 0,
    added: 0,
    whales: 0,
    replacementsFollowed: 0,
    confirmed: 0,
    replaced: 0,
    dropped: 0,
    duplicates: 0,
    invalid: 0,
    gaps: 0,
    evicted: 0,
  };
  readonly now: () => number;
  // A flood of broken messages must not flood the log: the first few are logged, all are counted.
  private invalidLogged = 0;

  constructor(readonly o: WatcherOptions) {
    this.now = o.now ?? Date.now;
  }

  handle(ev: StreamEvent): void {
    switch (ev.type) {
      case 'blocks':
        for (const b of ev.blocks) if (this.tip === undefined || b.height > this.tip) this.tip = b.height;
        break;
      case 'block':
        this.onBlock(ev.block);
        break;
      case 'mempool-blocks':
        this.projection = ev.blocks;
        break;
      case 'transactions':
        applyDelta(this, ev);
        break;
      case 'gap':
        this.stats.gaps++;
        this.o.log.warn(
          { expected: ev.expected, got: ev.got, gaps: this.stats.gaps },
          'mempool-transactions sequence gap: messages were missed; reconciling pending whales',
        );
        this.o.onGap?.(ev.expected, ev.got);
        break;
      case 'invalid':
        this.invalid(`message key ${ev.key}: ${ev.error.message}`);
        break;
      default:
        break;
    }
  }

  invalid(why: string): void {
    this.stats.invalid++;
    if (this.invalidLogged++ < 20) this.o.log.warn({ invalid: this.stats.invalid }, `skipped invalid data: ${why}`);
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
