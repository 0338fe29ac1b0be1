// How right we were, computed from the stored rows (pure, so the report's figures can be checked by hand).
//
// Chains: rows share root_txid; a chain's final transaction is its member without a `replaced` outcome
// (the latest replacement). A whale (chain) is settled when its final transaction is confirmed,
// dropped or expired. A chain a block ended by mining a conflicting transaction has no such member:
// every row is `replaced`, the last with the height that transaction confirmed at; it counts as
// confirmed there (the coins moved in that block).
//
//   accuracy       = right / scored, over predictions (every row with a predicted height, replaced ones
//                    included) whose chain is settled; right when the chain's final transaction
//                    confirmed at |height - predicted_height| <= predicted_window (predict.ts). A chain
//                    that never confirmed makes every prediction in it wrong.
//   false-positive = settled whales whose chain never confirmed (dropped or expired) / settled whales:
//                    alerts about money that did not move.
//   median minutes = over confirmed whales, from the first sighting of the chain to the block
//                    (the root row's minutes_to_confirm).
//   counts         = each prediction row by its own outcome (pending: none yet).
// A period (1 h, 24 h, 7 d) takes the predictions detected within it, as settled by now.
export interface ReportRow {
  txid: string;
  rootTxid: string;
  detectedAt: Date;
  predictedHeight: number | null;
  predictedWindow: number | null;
  outcome: 'confirmed' | 'replaced' | 'dropped' | 'expired' | null;
  confirmedHeight: number | null;
  minutesToConfirm: number | null;
}

export interface PeriodStats {
  period: string;
  predictions: number;
  whales: number;
  counts: { confirmed: number; replaced: number; dropped: number; expired: number; pending: number };
  scored: number;
  right: number;
  /** null when nothing is scored yet. */
  accuracy: number | null;
  settledWhales: number;
  falsePositives: number;
  falsePositiveRate: number | null;
  medianMinutesToConfirm: number | null;
}

export const PERIODS: ReadonlyArray<readonly [string, number]> = [
  ['1h', 3_600_000],
  ['24h', 86_400_000],
  ['7d', 7 * 86_400_000],
];

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** `rows` should hold every row of each chain involved (all rows of the longest period). */
export function periodStats(rows: readonly ReportRow[], period: string, fromMs: number): PeriodStats {
  const chains = new Map<string, ReportRow[]>();
  for (const r of rows) {
    const c = chains.get(r.rootTxid);
    if (c) c.push(r);
    else chains.set(r.rootTxid, [r]);
  }
  const latest = (rs: ReportRow[]): ReportRow | undefined =>
    rs.sort((a, b) => b.detectedAt.getTime() - a.detectedAt.getTime())[0];
  // The final member: not replaced; among several (should not happen), the latest detected. Without
  // one, a member replaced by a confirmed transaction (a block conflict) ends the chain as confirmed.
  const finalOf = (root: string): ReportRow | undefined => {
    const members = chains.get(root) ?? [];
    const open = latest(members.filter((r) => r.outcome !== 'replaced'));
    if (open) return open;
    const conflict = latest(members.filter((r) => r.outcome === 'replaced' && r.confirmedHeight !== null));
    return conflict ? { ...conflict, outcome: 'confirmed' } : undefined;
  };
  const settled = (f: ReportRow | undefined): boolean => f !== undefined && f.outcome !== null;
  const inPeriod = rows.filter((r) => r.detectedAt.getTime() >= fromMs);
  const counts = { confirmed: 0, replaced: 0, dropped: 0, expired: 0, pending: 0 };
  let scored = 0;
  let right = 0;
  for (const r of inPeriod) {
    counts[r.outcome ?? 'pending']++;
    const f = finalOf(r.rootTxid);
    if (r.predictedHeight === null || r.predictedWindow === null || !settled(f)) continue;
    scored++;
    if (
      f!.outcome === 'confirmed' &&
      f!.confirmedHeight !== null &&
      Math.abs(f!.confirmedHeight - r.predictedHeight) <= r.predictedWindow
    )
      right++;
  }
  const roots = inPeriod.filter((r) => r.txid === r.rootTxid);
  let settledWhales = 0;
  let falsePositives = 0;
  const minutes: number[] = [];
  for (const root of roots) {
    const f = finalOf(root.txid);
    if (!settled(f)) continue;
    settledWhales++;
    if (f!.outcome !== 'confirmed') falsePositives++;
    else if (root.minutesToConfirm !== null) minutes.push(root.minutesToConfirm);
  }
  return {
    period,
    predictions: inPeriod.length,
    whales: roots.length,
    counts,
    scored,
    right,
    accuracy: scored ? right / scored : null,
    settledWhales,
    falsePositives,
    falsePositiveRate: settledWhales ? falsePositives / settledWhales : null,
    medianMinutesToConfirm: median(minutes),
  };
}

export function accuracyReport(rows: readonly ReportRow[], nowMs: number): PeriodStats[] {
  return PERIODS.map(([name, ms]) => periodStats(rows, name, nowMs - ms));
}

export type AccuracyLevel = 'ok' | 'warning' | 'critical' | 'insufficient';

/** 7-day accuracy below 0.75 WARN, below 0.70 CRIT, judged only on at least `minSamples` scored predictions. */
export function accuracyLevel(
  s: PeriodStats,
  minSamples = 10,
  limits: { warnBelow: number; critBelow: number } = { warnBelow: 0.75, critBelow: 0.7 },
): AccuracyLevel {
  if (s.accuracy === null || s.scored < minSamples) return 'insufficient';
  if (s.accuracy < limits.critBelow) return 'critical';
  if (s.accuracy < limits.warnBelow) return 'warning';
  return 'ok';
}
