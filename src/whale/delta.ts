// One `mempool-transactions` delta, in the order that keeps a whale's story straight:
//   1. replaced: the old transaction's entry (followed, or removed in one of the last updates and
//                held back, removals.ts) is taken out. A `by` with a confirmed status is a block's
//                transaction conflicting with the whale (blocks.ts `findMinedRbfTransactions`):
//                the whale is settled replaced by a confirmed transaction at its height. Otherwise
//                the old entry is remembered under its replacement;
//   2. added:    new whales detected; a replacement of a followed whale continues its chain (no new
//                alert) whatever its value;
//   3. mined:    followed transactions confirmed at the current tip (mempool sends the `block` before
//                the delta in the same message, so the tip is already the new block's height);
//   4. removed:  followed ones that left without a block or a replacement are held back: the backend
//                can still report their replacement in the next nine updates (removals.ts);
//   5. a mempool update (mined is empty; a block's delta lists the block's txids) ages the held ones;
//      those past the window are dropped.
import type { EventOf, MempoolTx } from '../sources/mempool/stream.js';
import { classifyTx, feeRate, satsToBtc } from './detect.js';
import { classifyFlow } from './flow.js';
import { confirmedRows, conflictRows, replacedRow, unconfirmedRows } from './outcomes.js';
import { predictHeight } from './predict.js';
import { PrevoutResolver } from './prevouts.js';
import { signalsRbf } from './rbf.js';
import type { OutcomeSource, PredictionRow } from './rows.js';
import { absorb, followReplacement, spendsOf, type Tracked } from './tracker.js';
import { urgencyScore } from './urgency.js';
import type { DeltaTarget } from './watcherState.js';

/** Before the first `mempool-blocks` there is nothing to grade against: a neutral score, and no prediction. */
export const URGENCY_UNKNOWN = 0.5;

export function applyDelta(w: DeltaTarget, ev: EventOf<'transactions'>): void {
  const { tracker, sink } = w.o;
  const now = w.now();
  w.stats.deltas++;
  for (const tx of ev.added) w.o.seen.add(tx.txid);
  const continuing = new Map<string, Tracked>();
  const replacedIds = new Set<string>();
  for (const r of ev.replaced) {
    replacedIds.add(r.replaced);
    const old = tracker.delete(r.replaced) ?? w.removals.take(r.replaced);
    if (!old) continue;
    if (r.byTx?.status.confirmed) {
      w.stats.conflicts++;
      const height = r.byTx.status.block_height ?? w.tip ?? null;
      sink.outcomes(conflictRows(old, r.by, height, now, 'stream'));
      w.o.log.info({ txid: old.txid, by: r.by, height }, 'Whale replaced by a conflicting transaction in a block');
      continue;
    }
    // One transaction replacing two followed whales (it spends coins of both): one chain goes on,
    // the other whale joins its links, so both are settled when the replacement is.
    const earlier = continuing.get(r.by);
    if (earlier) sink.outcomes([replacedRow(earlier, r.by, now)]);
    continuing.set(r.by, earlier ? absorb(old, earlier, r.by, now) : old);
    w.stats.replaced++;
  }
  const seen = new Set<string>();
  for (const tx of ev.added) {
    seen.add(tx.txid);
    onAdded(w, tx, continuing.get(tx.txid), ev.sequence, now);
  }
  // mempool puts the replacement in `added` too; if it did not, the whole tx in `replaced.by` serves.
  for (const r of ev.replaced) {
    if (seen.has(r.by) || !continuing.has(r.by)) continue;
    seen.add(r.by);
    if (r.byTx) onAdded(w, r.byTx, continuing.get(r.by), ev.sequence, now);
    else followBare(w, continuing.get(r.by)!, r.by, now);
  }
  if (w.gone) for (const id of [...ev.mined, ...ev.removed]) w.noteGone(id);
  for (const id of ev.mined) {
    const t = tracker.delete(id);
    if (!t) continue;
    w.stats.confirmed++;
    sink.outcomes(confirmedRows(t, w.tip ?? null, now, 'stream'));
  }
  const removedNow = new Set<string>();
  for (const id of ev.removed) {
    if (replacedIds.has(id)) continue;
    const t = tracker.delete(id);
    if (!t) continue;
    w.removals.hold(t);
    removedNow.add(id);
  }
  if (ev.mined.length === 0) {
    for (const t of w.removals.age(removedNow)) {
      w.stats.dropped++;
      sink.outcomes(unconfirmedRows(t, 'dropped', now, 'stream'));
    }
  }
}

/** A replacement known only by its txid: followed without a prediction of its own, so the chain still settles. */
export function followBare(w: DeltaTarget, old: Tracked, txid: string, now: number): void {
  w.o.sink.outcomes([replacedRow(old, txid, now)]);
  addTracked(w, followReplacement(old, { txid, detectedAtMs: now, predictedHeight: null, window: null, spends: [] }));
}

/**
 * A transaction entering the mempool (from a delta, or fetched by a catch-up): a whale is followed
 * at once and its prediction row emitted once its flow is labelled (after electrs filled the spent
 * outputs mempool left null); a replacement of a followed whale continues its chain.
 */
export function onAdded(
  w: DeltaTarget,
  tx: MempoolTx,
  old: Tracked | undefined,
  sequence: number,
  now: number,
  source: OutcomeSource = 'stream',
): 'whale' | 'replacement' | undefined {
  w.stats.added++;
  const verdict = classifyTx(tx, w.o.thresholdSats);
  if (verdict.kind === 'invalid') {
    w.invalid(`${tx.txid}: ${verdict.reason}`);
    return undefined;
  }
  if (verdict.kind === 'confirmed' || (verdict.kind === 'small' && !old)) return undefined;
  if (w.o.tracker.has(tx.txid)) {
    // Sent again (a reconnect, or a whale reloaded from the database at start): already followed.
    w.stats.duplicates++;
    // `old` was taken out for it: its story ends in that replacement (followed on its own chain).
    if (old) w.o.sink.outcomes([replacedRow(old, tx.txid, now, source)]);
    return undefined;
  }
  const rate = feeRate(tx);
  const prediction = predictHeight(rate, w.tip, w.projection);
  const base = {
    txid: tx.txid,
    detectedAtMs: now,
    predictedHeight: prediction?.predictedHeight ?? null,
    window: prediction?.window ?? null,
    spends: spendsOf(tx),
  };
  if (old) {
    w.stats.replacementsFollowed++;
    w.o.sink.outcomes([replacedRow(old, tx.txid, now, source)]);
    addTracked(w, followReplacement(old, base));
  } else {
    w.stats.whales++;
    addTracked(w, { ...base, rootTxid: tx.txid, ancestors: [] });
  }
  const row: Omit<PredictionRow, 'flow' | 'exchanges' | 'prevoutsKnown'> = {
    txid: tx.txid,
    detectedAt: new Date(now),
    totalSats: verdict.totalSats,
    totalBtc: satsToBtc(verdict.totalSats),
    feeSats: tx.feeUnknown ? null : tx.fee,
    vsize: tx.vsize > 0 ? tx.vsize : null,
    feeRate: rate,
    rbf: signalsRbf(tx),
    urgency: w.projection === undefined || rate === null ? URGENCY_UNKNOWN : urgencyScore(rate, w.projection),
    tipHeight: w.tip ?? null,
    predictedHeight: base.predictedHeight,
    predictedWindow: base.window,
    replacesTxid: old?.txid ?? null,
    rootTxid: old?.rootTxid ?? tx.txid,
    alerted: false,
  };
  const emit = (full: MempoolTx): void => {
    w.o.sink.prediction({ ...row, ...classifyFlow(full, w.o.book) }, { alert: !old, sequence });
  };
  const resolver = w.o.prevouts;
  if (!resolver || !PrevoutResolver.missing(tx)) emit(tx);
  else
    w.labelling.add(
      resolver
        .fill(tx)
        .catch(() => tx)
        .then(emit),
    );
  return old ? 'replacement' : 'whale';
}

function addTracked(w: DeltaTarget, t: Tracked): void {
  const evicted = w.o.tracker.add(t);
  if (evicted.length === 0) return;
  w.stats.evicted += evicted.length;
  if (w.stats.evicted === evicted.length || w.stats.evicted % 1000 === 0) {
    w.o.log.warn(
      { cap: w.o.tracker.cap, evicted: w.stats.evicted },
      'tracking cap reached: evicting the oldest whales (WHALE_MAX_TRACKED)',
    );
  }
}
