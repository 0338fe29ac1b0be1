// The accuracy alert: 7-day accuracy (accuracy.ts) below WHALE_ACCURACY_WARN (0.75, warning) or
// WHALE_ACCURACY_CRIT (0.70, critical) on at least 10 scored predictions is a condition
// (`whale_accuracy_low:7d`): announced once, again after ALERT_COOLDOWN_SECONDS or when it gets
// worse, and resolved once accuracy is back above the warning line.
import type { Alerter } from '../alerts/alerter.js';
import type { Logger } from '../log/logger.js';
import { recordAlert } from '../store/alertEvents.js';
import { withWhaleDb, type DatabasePaths } from '../store/databases.js';
import { accuracyLevel, periodStats, type PeriodStats } from './accuracy.js';
import { loadReportRows } from './queries.js';

export const ACCURACY_EVENT = 'whale_accuracy_low';
export const ACCURACY_MIN_SAMPLES = 10;
const WEEK_MS = 7 * 86_400_000;

export interface AccuracyCheck {
  stats: PeriodStats;
  level: ReturnType<typeof accuracyLevel>;
  sent: boolean;
}

export interface AccuracyLimits {
  warnBelow: number;
  critBelow: number;
}

export async function checkAccuracyAlert(
  settings: Pick<DatabasePaths, 'whaleDbPath'>,
  alerts: Alerter,
  limits: AccuracyLimits,
  log: Logger,
  nowMs: number,
): Promise<AccuracyCheck> {
  const stats = await withWhaleDb(settings, async (conn) =>
    periodStats(await loadReportRows(conn, nowMs - WEEK_MS), '7d', nowMs - WEEK_MS),
  );
  const level = accuracyLevel(stats, ACCURACY_MIN_SAMPLES, limits);
  const recorded = alerts.recordingWith((r) => withWhaleDb(settings, (conn) => recordAlert(conn, r), { logger: log }));
  const payload = {
    accuracy_7d: stats.accuracy,
    scored: stats.scored,
    right: stats.right,
    warn_below: limits.warnBelow,
    crit_below: limits.critBelow,
  };
  if (level === 'warning' || level === 'critical') {
    const pct = (100 * (stats.accuracy ?? 0)).toFixed(1);
    log.warn(
      { accuracy: stats.accuracy, scored: stats.scored },
      `Whale prediction accuracy over 7 days is ${pct}% (${level})`,
    );
    const r = await recorded.fire(
      ACCURACY_EVENT,
      '7d',
      level,
      `whale prediction accuracy over 7 days is ${pct}%`,
      payload,
    );
    return { stats, level, sent: r?.delivered === true };
  }
  if (level === 'ok') {
    const r = await recorded.resolve(ACCURACY_EVENT, '7d', 'whale prediction accuracy over 7 days is back up', payload);
    return { stats, level, sent: r?.delivered === true };
  }
  return { stats, level, sent: false };
}
