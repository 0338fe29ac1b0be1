// The accuracy alert: when 7-day accuracy (accuracy.ts) falls below 0.75 (warning) or 0.70
// (critical) on at least 10 scored predictions. A cooldown keeps a minute-by-minute cron job from
// repeating it: nothing is sent while an alert of the same or a higher severity went out within
// ACCURACY_ALERT_COOLDOWN_MS, so a warning can still escalate to critical at once.
import { deliverAlert, makeEvent, recordAlert, type Severity, type WebhookTarget } from '../alerts/webhook.js';
import type { Logger } from '../log/logger.js';
import { withWhaleDb, type DatabasePaths } from '../store/databases.js';
import { accuracyLevel, periodStats, type PeriodStats } from './accuracy.js';
import { lastAlertAt, loadReportRows } from './queries.js';

export const ACCURACY_EVENT = 'whale_accuracy_low';
export const ACCURACY_ALERT_COOLDOWN_MS = 6 * 3_600_000;
export const ACCURACY_MIN_SAMPLES = 10;
const WEEK_MS = 7 * 86_400_000;

export interface AccuracyCheck {
  stats: PeriodStats;
  level: ReturnType<typeof accuracyLevel>;
  sent: boolean;
  suppressedByCooldown: boolean;
}

export async function checkAccuracyAlert(
  settings: Pick<DatabasePaths, 'whaleDbPath'> & WebhookTarget,
  log: Logger,
  nowMs: number,
): Promise<AccuracyCheck> {
  const { stats, last } = await withWhaleDb(settings, async (conn) => {
    const rows = await loadReportRows(conn, nowMs - WEEK_MS);
    const stats = periodStats(rows, '7d', nowMs - WEEK_MS);
    const level = accuracyLevel(stats, ACCURACY_MIN_SAMPLES);
    const severities = level === 'critical' ? ['critical'] : ['warning', 'critical'];
    return {
      stats,
      last:
        level === 'warning' || level === 'critical' ? await lastAlertAt(conn, ACCURACY_EVENT, severities) : undefined,
    };
  });
  const level = accuracyLevel(stats, ACCURACY_MIN_SAMPLES);
  if (level !== 'warning' && level !== 'critical') return { stats, level, sent: false, suppressedByCooldown: false };
  if (last && nowMs - last.getTime() < ACCURACY_ALERT_COOLDOWN_MS) {
    log.debug({ level, accuracy: stats.accuracy, last: last.toISOString() }, 'whale accuracy low; alert in cooldown');
    return { stats, level, sent: false, suppressedByCooldown: true };
  }
  const severity: Severity = level;
  log.warn(
    { accuracy: stats.accuracy, scored: stats.scored },
    `Whale prediction accuracy over 7 days is ${(100 * (stats.accuracy ?? 0)).toFixed(1)}% (${level})`,
  );
  const result = await deliverAlert(
    settings,
    makeEvent(ACCURACY_EVENT, severity, {
      accuracy_7d: stats.accuracy,
      scored: stats.scored,
      right: stats.right,
      warn_below: 0.75,
      crit_below: 0.7,
    }),
    { log },
  );
  if (result.attempts > 0) await withWhaleDb(settings, (conn) => recordAlert(conn, result), { logger: log });
  return { stats, level, sent: result.delivered, suppressedByCooldown: false };
}
