// Catching up with the mempool. mempool's `{"track-mempool": true}` only sets a flag
// (websocket-handler.ts): no snapshot is sent, only changes from then on. So at start, after every
// reconnect and after a sequence jump, whale-watch lists the mempool itself through the first lookup
// that can (electrs `GET /mempool/txids` streamed, Core's `getrawmempool`, mempool's own route;
// lookups.ts), and:
//   1. fetches every transaction it has not seen yet through that lookup (electrs `/tx/:txid` with
//      prevouts filled; Core in JSON-RPC batches of raw transactions, whose outputs alone decide
//      whether it is a whale — only whales get their spent outputs and fee looked up), with bounded
//      concurrency and a time budget, and hands each to the same code a delta's `added` goes through
//      (delta.ts onAdded): a whale is detected, labelled, predicted and alerted exactly as if it had
//      arrived in a delta; one spending the coins of a followed whale that has left the mempool is
//      that whale's replacement, followed as such (no second alert);
//   2. settles the followed whales that are no longer listed: confirmed while we were away -> confirmed
//      at that height; in neither the mempool nor the chain and no replacement found -> dropped.
//      Whales a lookup still sees in the mempool (its listing lagged), or that none can place, stay
//      followed.
// Subscribing comes first (the stream is already open), so a transaction is in the listing, in a
// later delta, or both; `seen` and the tracker take care of both.
//
// A pass that runs out of its budget stops fetching; what it fetched is remembered, and the next
// pass (scheduled after `retryMs`) lists again and fetches the rest. Listing a 300k mempool is ~20 MB
// read in chunks: the event loop is never held for more than one chunk.
import { systemClock, type Clock } from '../lib/clock.js';
import type { MempoolTx } from '../sources/mempool/stream.js';
import { PASSED, type Passed, type RawTxGlance } from '../sources/rawTxGlance.js';
import { MAX_MONEY_SATS, classifyTx } from './detect.js';
import type { Logger } from '../log/logger.js';
import { onAdded } from './delta.js';
import { Limiter } from './limiter.js';
import { LogBudget } from './logBudget.js';
import { confirmedRows, unconfirmedRows } from './outcomes.js';
import type { Tracked } from './tracker.js';
import type { WhaleLookups } from './lookups/lookups.js';
import type { LookupName, TxLookup } from './lookups/types.js';
import type { ResyncReason, WhaleWatcher } from './watcher.js';

export interface CatchUpStats {
  passes: number;
  complete: number;
  /** Passes stopped by the time budget (resumed by the next pass). */
  incomplete: number;
  failed: number;
  /** Transactions fetched and examined, all passes. */
  fetched: number;
  /** New whales found by catching up. */
  whales: number;
  /** Followed whales settled because they had confirmed, been replaced or dropped while we were away. */
  confirmedAway: number;
  replacedAway: number;
  droppedAway: number;
  /** The mempool's size at the last listing. */
  listed: number;
  /** The lookup that listed it. */
  listedBy: LookupName | null;
  lastMs: number | null;
}

export interface CatchUpOptions {
  lookups: Pick<WhaleLookups, 'lister' | 'through' | 'status'>;
  /**
   * A whale read from raw bytes (Core, Electrum) has no spent outputs nor fee yet: this finds them
   * before it is labelled and predicted (the runner's resolver, then Core's mempool entry).
   */
  complete: (tx: MempoolTx) => Promise<MempoolTx>;
  watcher: WhaleWatcher;
  log: Logger;
  /** How long one pass may fetch before it stops and leaves the rest to the next pass (ms). */
  budgetMs: number;
  /** Pause before the pass after an incomplete or failed one (ms). */
  retryMs: number;
  signal: AbortSignal;
  /** Called after each pass, complete, incomplete or failed (tests and the bench wait on it). */
  onPass?: (stats: CatchUpStats) => void;
  /** The job's clock (default the system clock). */
  clock?: Pick<Clock, 'now'>;
}

/**
 * 64-hex txids packed as 32 bytes each, in chunks of 32,768 (1 MB): 300k unseen txids take 9.6 MB
 * instead of ~25 MB of strings, and growing never copies (or doubles) what is already there.
 */
class PackedTxids {
  private static readonly PER_CHUNK = 32_768;
  private readonly chunks: Buffer[] = [];
  length = 0;
  push(txid: string): void {
    const at = this.length % PackedTxids.PER_CHUNK;
    if (at === 0) this.chunks.push(Buffer.allocUnsafe(32 * PackedTxids.PER_CHUNK));
    this.chunks[this.chunks.length - 1]!.write(txid, at * 32, 32, 'hex');
    this.length++;
  }
  get(i: number): string {
    const at = (i % PackedTxids.PER_CHUNK) * 32;
    return this.chunks[Math.floor(i / PackedTxids.PER_CHUNK)]!.toString('hex', at, at + 32);
  }
}

const MAX_MONEY = Number(MAX_MONEY_SATS);

/** After this many failed requests in a row (single lookups; batches count for more) the lookup is down and the pass stops. */
const MAX_CONSECUTIVE_FAILURES = 20;

export class CatchUp {
  readonly stats: CatchUpStats = {
    passes: 0,
    complete: 0,
    incomplete: 0,
    failed: 0,
    fetched: 0,
    whales: 0,
    confirmedAway: 0,
    replacedAway: 0,
    droppedAway: 0,
    listed: 0,
    listedBy: null,
    lastMs: null,
  };
  private running: Promise<void> | undefined;
  private again: ResyncReason | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly now: () => number;
  private readonly errorLog = new LogBudget(5, 600_000);

  constructor(private readonly o: CatchUpOptions) {
    const clock = o.clock ?? systemClock;
    this.now = () => clock.now();
    o.signal.addEventListener('abort', () => clearTimeout(this.retryTimer), { once: true });
  }

  get active(): boolean {
    return this.running !== undefined;
  }

  /** Starts a pass, or one more after the running pass (requests coalesce). */
  request(reason: ResyncReason): void {
    if (this.o.signal.aborted) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.running) {
      this.again = reason;
      return;
    }
    const w = this.o.watcher;
    w.gone = new Set();
    this.running = this.pass(reason)
      .catch((err: unknown) => this.onFailure(reason, err))
      .finally(() => {
        this.running = undefined;
        w.gone = undefined;
        const next = this.again;
        this.again = undefined;
        if (next) this.request(next);
      });
  }

  /** Resolves when no pass is running (shutdown waits for the one in progress to stop). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private later(reason: ResyncReason, ms: number): void {
    if (this.o.signal.aborted) return;
    this.retryTimer = setTimeout(() => this.request(reason), ms);
    this.retryTimer.unref();
  }

  private onFailure(reason: ResyncReason, err: unknown): void {
    this.stats.failed++;
    this.o.onPass?.(this.stats);
    const delay = Math.min(this.o.retryMs * 2 ** Math.min(this.failures++, 4), 300_000);
    const b = this.errorLog.take();
    if (b.log)
      this.o.log.warn(
        { reason, err: (err as Error).message, retry_in_ms: delay, suppressed: b.suppressed },
        'catch-up with the mempool failed; whales stay followed and the catch-up is retried',
      );
    this.later(reason, delay);
  }

  private async pass(reason: ResyncReason): Promise<void> {
    const { watcher: w, lookups, signal } = this.o;
    const started = this.now();
    this.stats.passes++;
    // The whales followed before the listing: the only ones whose absence from it means anything.
    const before = new Map<string, Tracked>();
    for (const t of w.o.tracker.list()) before.set(t.txid, t);
    let present = new Set<string>();
    let unseen = new PackedTxids();
    let lister: TxLookup | undefined;
    let listed: number;
    // The first lookup that can list the mempool; one that fails is skipped (said once) for the next.
    for (;;) {
      lister = lookups.lister();
      if (!lister)
        throw new Error(
          'no lookup can list the mempool (an Esplora API, Bitcoin Core or mempool’s own route): all are down or not configured',
        );
      const l = lister;
      try {
        listed = await lookups.through(l, () =>
          l.listMempool!((txids) => {
            for (const txid of txids) {
              if (before.has(txid)) present.add(txid);
              else if (!w.o.seen.has(txid)) unseen.push(txid);
            }
          }, signal),
        );
        break;
      } catch (err) {
        if (signal.aborted) throw err;
        present = new Set();
        unseen = new PackedTxids();
      }
    }
    this.stats.listed = listed;
    this.stats.listedBy = lister.name;
    // Whales gone from the mempool: confirmed while we were away, or candidates for replaced/dropped.
    const gone: { t: Tracked; source: LookupName }[] = [];
    const limiter = new Limiter(lister.fetchBatch?.parallel ?? 4);
    await Promise.all(
      [...before.values()]
        .filter((t) => !present.has(t.txid))
        .map((t) =>
          limiter.run(async () => {
            if (signal.aborted) return;
            const r = await lookups.status(t.txid);
            if (w.o.tracker.get(t.txid) !== t || !r) return; // settled meanwhile, or nobody can tell
            if (r.status.state === 'confirmed') {
              w.o.tracker.delete(t.txid);
              this.stats.confirmedAway++;
              w.o.sink.outcomes(confirmedRows(t, r.status.height, this.now(), r.source));
            } else if (r.status.state === 'gone') gone.push({ t, source: r.source });
          }),
        ),
    );
    // Coins of whales that left unconfirmed, or were removed in the last updates: a transaction
    // spending one of them is their replacement.
    const spentBy = new Map<string, Tracked>();
    for (const t of [...gone.map((g) => g.t), ...w.removals.list()]) for (const k of t.spends) spentBy.set(k, t);
    const complete = await this.fetchUnseen(lister, unseen, spentBy, started);
    if (complete) {
      for (const { t, source } of gone) {
        if (w.o.tracker.get(t.txid) !== t) continue;
        w.o.tracker.delete(t.txid);
        this.stats.droppedAway++;
        w.o.sink.outcomes(unconfirmedRows(t, 'dropped', this.now(), source));
      }
      this.stats.complete++;
      this.failures = 0;
    } else this.stats.incomplete++;
    const ms = this.now() - started;
    this.stats.lastMs = ms;
    this.o.log.info(
      {
        reason,
        listed,
        listed_by: lister.name,
        unseen: unseen.length,
        fetched: this.stats.fetched,
        whales: this.stats.whales,
        confirmed_away: this.stats.confirmedAway,
        replaced_away: this.stats.replacedAway,
        dropped_away: this.stats.droppedAway,
        ms,
        complete,
      },
      complete
        ? `Caught up with the mempool: ${listed} transactions listed (${lister.name}), ${unseen.length} fetched`
        : signal.aborted
          ? `Catch-up stopped by the shutdown after ${ms} ms`
          : `Catch-up stopped at its time budget after ${ms} ms; the rest is fetched by the next pass`,
    );
    this.o.onPass?.(this.stats);
    if (!complete && !signal.aborted) this.later(reason, this.o.retryMs);
  }

  /** Fetches and examines the unseen transactions; false when the budget or a shutdown cut it short. */
  private async fetchUnseen(
    lister: TxLookup,
    unseen: PackedTxids,
    spentBy: Map<string, Tracked>,
    started: number,
  ): Promise<boolean> {
    const { watcher: w, signal, lookups } = this.o;
    const deadline = started + this.o.budgetMs;
    const { size, parallel } = lister.fetchBatch ?? { size: 1, parallel: 4 };
    // A failed batch counts for as many single lookups as it holds, up to the whole allowance.
    const maxFailures = Math.max(2, Math.ceil(MAX_CONSECUTIVE_FAILURES / size));
    let next = 0;
    let stopped = false;
    let failures = 0;
    // A lookup reading raw bytes makes objects only of what examine() would look at twice: a whale
    // (or a sum no transaction can have, which onAdded reports), or a spender of a gone whale's coins.
    const threshold = Number(w.o.thresholdSats);
    const worth = (g: RawTxGlance): boolean =>
      g.outputSats >= threshold ||
      g.outputSats > MAX_MONEY ||
      (spentBy.size > 0 && g.spends().some((k) => spentBy.has(k)));
    const worker = async (): Promise<void> => {
      while (next < unseen.length && !stopped) {
        if (signal.aborted || this.now() >= deadline) {
          stopped = true;
          return;
        }
        const batch: string[] = [];
        while (batch.length < size && next < unseen.length) {
          const txid = unseen.get(next++);
          if (!w.o.seen.has(txid)) batch.push(txid); // else the stream brought it meanwhile
        }
        if (batch.length === 0) continue;
        let txs: (MempoolTx | Passed | null)[];
        try {
          txs = await lookups.through(lister, () => lister.fetchTxs!(batch, worth));
          failures = 0;
        } catch (err) {
          if (++failures >= maxFailures) {
            stopped = true;
            throw err;
          }
          continue; // not marked seen: the next pass tries them again
        }
        for (const [i, tx] of txs.entries()) {
          const txid = batch[i]!;
          w.o.seen.add(txid);
          if (tx === null || w.gone?.has(txid)) continue; // left the mempool since the listing
          this.stats.fetched++;
          // Small and spending nothing of interest: all onAdded would do with it is count it.
          if (tx === PASSED) w.stats.added++;
          else await this.examine(tx, spentBy, lister.name);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, Math.max(1, unseen.length)) }, worker));
    return !stopped;
  }

  private async examine(tx: MempoolTx, spentBy: Map<string, Tracked>, source: LookupName): Promise<void> {
    const w = this.o.watcher;
    let old: Tracked | undefined;
    for (const v of tx.vin) {
      const t = spentBy.get(`${v.txid}:${v.vout}`);
      if (!t) continue;
      for (const k of t.spends) spentBy.delete(k);
      old = w.o.tracker.get(t.txid) === t ? w.o.tracker.delete(t.txid) : w.removals.take(t.txid);
      if (old) break;
    }
    let full = tx;
    // Read from raw bytes: only a whale (or a replacement of one) is worth its spent outputs and fee.
    if (tx.feeUnknown && (old || classifyTx(tx, w.o.thresholdSats).kind === 'whale')) full = await this.o.complete(tx);
    const kind = onAdded(w, full, old, 0, this.now(), source);
    if (kind === 'whale') this.stats.whales++;
    else if (kind === 'replacement') {
      this.stats.replacedAway++;
      w.stats.replaced++;
    }
  }
}
