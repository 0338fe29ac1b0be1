// Outcome rows for a tracked whale and the earlier links of its chain. A replaced transaction first
// gets an interim `replaced` row (within_window null); when the chain settles, every link's row is
// rewritten with how the chain ended, judged against that link's own prediction (predict.ts).
import { withinWindow } from './predict.js';
import type { OutcomeKind, OutcomeRow, OutcomeSource } from './rows.js';
import type { ChainLink, Tracked } from './tracker.js';

const minutesBetween = (fromMs: number, toMs: number): number => Math.max(0, (toMs - fromMs) / 60_000);

function judged(
  predicted: number | null,
  window: number | null,
  height: number | null,
): Pick<OutcomeRow, 'blocksVsPredicted' | 'withinWindow'> {
  if (predicted === null || window === null || height === null) return { blocksVsPredicted: null, withinWindow: null };
  return { blocksVsPredicted: height - predicted, withinWindow: withinWindow(height, predicted, window) };
}

/** The interim row when `t` is replaced; the replacement is followed as the same whale. */
export function replacedRow(t: Tracked, byTxid: string, nowMs: number, source: OutcomeSource = 'stream'): OutcomeRow {
  return {
    txid: t.txid,
    outcome: 'replaced',
    resolvedAt: new Date(nowMs),
    confirmedHeight: null,
    confirmedTxid: null,
    minutesToConfirm: null,
    blocksVsPredicted: null,
    withinWindow: null,
    replacedBy: byTxid,
    source,
  };
}

/** `t` confirmed at `height` (null when the tip is unknown): its row and its ancestors' rows. */
export function confirmedRows(t: Tracked, height: number | null, nowMs: number, source: OutcomeSource): OutcomeRow[] {
  const own: OutcomeRow = {
    txid: t.txid,
    outcome: 'confirmed',
    resolvedAt: new Date(nowMs),
    confirmedHeight: height,
    confirmedTxid: t.txid,
    minutesToConfirm: minutesBetween(t.detectedAtMs, nowMs),
    ...judged(t.predictedHeight, t.window, height),
    replacedBy: null,
    source,
  };
  return [...t.ancestors.map((a) => settledLink(a, t.txid, height, nowMs, source)), own];
}

/**
 * A block mined `minedTxid`, which spends what `t` spent (mempool's findMinedRbfTransactions): `t`
 * is replaced by a confirmed transaction at `height`, judged like a chain that confirmed there.
 */
export function conflictRows(
  t: Tracked,
  minedTxid: string,
  height: number | null,
  nowMs: number,
  source: OutcomeSource,
): OutcomeRow[] {
  const own: OutcomeRow = {
    txid: t.txid,
    outcome: 'replaced',
    resolvedAt: new Date(nowMs),
    confirmedHeight: height,
    confirmedTxid: minedTxid,
    minutesToConfirm: minutesBetween(t.detectedAtMs, nowMs),
    ...judged(t.predictedHeight, t.window, height),
    replacedBy: minedTxid,
    source,
  };
  return [...t.ancestors.map((a) => settledLink(a, minedTxid, height, nowMs, source)), own];
}

/** `t` left the mempool unconfirmed (dropped) or was still unconfirmed at the timeout (expired). */
export function unconfirmedRows(
  t: Tracked,
  kind: Extract<OutcomeKind, 'dropped' | 'expired'>,
  nowMs: number,
  source: OutcomeSource,
): OutcomeRow[] {
  const own: OutcomeRow = {
    txid: t.txid,
    outcome: kind,
    resolvedAt: new Date(nowMs),
    confirmedHeight: null,
    confirmedTxid: null,
    minutesToConfirm: null,
    blocksVsPredicted: null,
    // It did not confirm in any window: a prediction that was made is wrong.
    withinWindow: t.predictedHeight === null ? null : false,
    replacedBy: null,
    source,
  };
  return [...t.ancestors.map((a) => settledLink(a, null, null, nowMs, source)), own];
}

function settledLink(
  a: ChainLink,
  confirmedTxid: string | null,
  height: number | null,
  nowMs: number,
  source: OutcomeSource,
): OutcomeRow {
  const confirmed = confirmedTxid !== null;
  return {
    txid: a.txid,
    outcome: 'replaced',
    resolvedAt: new Date(a.replacedAtMs),
    confirmedHeight: height,
    confirmedTxid,
    minutesToConfirm: confirmed ? minutesBetween(a.detectedAtMs, nowMs) : null,
    ...(confirmed
      ? judged(a.predictedHeight, a.window, height)
      : { blocksVsPredicted: null, withinWindow: a.predictedHeight === null ? null : false }),
    replacedBy: a.replacedBy,
    source,
  };
}
