// One `mempool-transactions` delta, in the order that keeps a whale's story straight:
//   1. replaced: the old transaction's entry is taken out and remembered under its replacement;
//   2. added:    new whales detected; a replacement of a followed whale continues its chain (no new
//                alert) whatever its value;
//   3. mined:    followed transactions confirmed at the current tip (mempool sends the `block` before
//                the delta in the same message, so the tip is already the new block's height);
//   4. removed:  what is left of the followed ones left without a block or a replacement: dropped.
import type { EventOf, MempoolTx } from '../sources/mempool/stream.js';
import { classifyTx, feeRate, satsToBtc } from './detect.js';
import { classifyFlow } from './flow.js';
import { confirmedRows, replacedRow, unconfirmedRows } from './outcomes.js';
import { predictHeight } from './predict.js';
import { signalsRbf } from './rbf.js';
import type { PredictionRow } from './rows.js';
import { followReplacement, type Tracked } from './tracker.js';
import { urgencyScore } from './urgency.js';
import type { WhaleWatcher } from './watcher.js';

/** Before the first `mempool-blocks` there is nothing to grade against: a neutral score, and no prediction. */
export const URGENCY_UNKNOWN = 0.5;

export function applyDelta(w: WhaleWatcher, ev: EventOf<'transactions'>): void {
  const { tracker, sink } = w.o;
  const now = w.now();
  w.stats.deltas++;
  const continuing = new Map<string, Tracked>();
  const replacedIds = new Set<string>();
  for (const r of ev.replaced) {
    replacedIds.add(r.replaced);
    const old = tracker.delete(r.replaced);
    if (!old) continue;
    continuing.set(r.by, old);
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
    if (r.byTx) onAdded(w, r.byTx, continuing.get(r.by), ev.sequence, now);
    else {
      // Only a txid: follow it without a prediction of its own, so the chain still settles.
      const old = continuing.get(r.by) as Tracked;
      sink.outcomes([replacedRow(old, r.by, now)]);
      addTracked(w, followReplacement(old, { txid: r.by, detectedAtMs: now, predictedHeight: null, window: null }));
    }
  }
  for (const id of ev.mined) {
    const t = tracker.delete(id);
    if (!t) continue;
    w.stats.confirmed++;
    sink.outcomes(confirmedRows(t, w.tip ?? null, now, 'stream'));
  }
  for (const id of ev.removed) {
    if (replacedIds.has(id)) continue;
    const t = tracker.delete(id);
    if (!t) continue;
    w.stats.dropped++;
    sink.outcomes(unconfirmedRows(t, 'dropped', now, 'stream'));
  }
}

function onAdded(w: WhaleWatcher, tx: MempoolTx, old: Tracked | undefined, sequence: number, now: number): void {
  w.stats.added++;
  const verdict = classifyTx(tx, w.o.thresholdSats);
  if (verdict.kind === 'invalid') return w.invalid(`${tx.txid}: ${verdict.reason}`);
  if (verdict.kind === 'confirmed' || (verdict.kind === 'small' && !old)) return;
  if (w.o.tracker.has(tx.txid)) {
    // Sent again (a reconnect, or a whale reloaded from the database at start): already followed.
    w.stats.duplicates++;
    return;
  }
  const rate = feeRate(tx);
  const prediction = predictHeight(rate, w.tip, w.projection);
  const label = classifyFlow(tx, w.o.book);
  const row: PredictionRow = {
    txid: tx.txid,
    detectedAt: new Date(now),
    totalSats: verdict.totalSats,
    totalBtc: satsToBtc(verdict.totalSats),
    feeSats: tx.fee,
    vsize: tx.vsize > 0 ? tx.vsize : null,
    feeRate: rate,
    rbf: signalsRbf(tx),
    flow: label.flow,
    exchanges: label.exchanges,
    prevoutsKnown: label.prevoutsKnown,
    urgency: w.projection === undefined || rate === null ? URGENCY_UNKNOWN : urgencyScore(rate, w.projection),
    tipHeight: w.tip ?? null,
    predictedHeight: prediction?.predictedHeight ?? null,
    predictedWindow: prediction?.window ?? null,
    replacesTxid: old?.txid ?? null,
    rootTxid: old?.rootTxid ?? tx.txid,
    alerted: false,
  };
  const base = { txid: tx.txid, detectedAtMs: now, predictedHeight: row.predictedHeight, window: row.predictedWindow };
  if (old) {
    w.stats.replacementsFollowed++;
    w.o.sink.outcomes([replacedRow(old, tx.txid, now)]);
    addTracked(w, followReplacement(old, base));
  } else {
    w.stats.whales++;
    addTracked(w, { ...base, rootTxid: tx.txid, ancestors: [] });
  }
  w.o.sink.prediction(row, { alert: !old, sequence });
}

function addTracked(w: WhaleWatcher, t: Tracked): void {
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
