import { grade, humanAge } from '../grade.js';
import type { PriceDbSnapshot, Read } from '../snapshot.js';
import type { CheckOutcome, Threshold } from '../types.js';
import { ageOutcome } from './age.js';
import { unread } from './database.js';

export interface AnalyzeRunsThresholds {
  /** Good runs in the window that are OK (HEALTH_ANALYZE_RUNS_OK); undefined: all but one of those expected. */
  analyzeRunsOk: number | undefined;
}

/**
 * The window analyze runs are counted over and how many the cadence starts in it: an hour, or two
 * intervals when the cadence is slower (so one run is always inside it, on time or a little late):
 * 12 at 5 minutes, 6 at 10, 4 at 15, 2 at 60 minutes (over 2 h), 2 at 6 hours (over 12 h).
 */
export function runsWindow(intervalMin: number): { windowSec: number; expected: number } {
  const intervalSec = intervalMin * 60;
  const windowSec = Math.max(3600, 2 * intervalSec);
  return { windowSec, expected: Math.floor(windowSec / intervalSec) };
}

/**
 * The fewest good runs in the window that is OK: HEALTH_ANALYZE_RUNS_OK, or all the cadence starts
 * but one (at least one), or, while the first analyze run this database knows of is younger than the
 * window (a fresh install, the demo), what cron can have started since then with the same one run of
 * slack, and at least one. An install ten minutes old with two good runs is healthy.
 */
export function analyzeRunsNeeded(
  firstRunAt: number | null,
  runsOk: number | undefined,
  nowSec: number,
  intervalMin: number,
): number {
  const { windowSec, expected } = runsWindow(intervalMin);
  const ok = runsOk ?? Math.max(1, expected - 1);
  if (firstRunAt === null || nowSec - firstRunAt >= windowSec) return ok;
  const possible = Math.floor(Math.max(0, nowSec - firstRunAt) / (intervalMin * 60)) + 1;
  return Math.min(ok, Math.max(1, possible - 1));
}

/** "in the last hour", "in the last 12 h": the window as the message says it. */
const inWindow = (windowSec: number): string =>
  windowSec === 3600 ? 'in the last hour' : `in the last ${humanAge(windowSec)}`;

/**
 * analyze runs that completed (ok or degraded) in the window (runsWindow: ANALYSIS_INTERVAL_MINUTES).
 * Fewer than needed is WARN, none is CRIT. The last failure and its message come along so the
 * operator sees why without opening the logs.
 */
export function checkAnalyzeRuns(
  snap: Read<PriceDbSnapshot>,
  t: AnalyzeRunsThresholds,
  nowSec: number,
  intervalMin: number,
): CheckOutcome {
  const first = snap.ok ? snap.value.firstAnalyzeRunAt : null;
  const { windowSec, expected } = runsWindow(intervalMin);
  const needed = analyzeRunsNeeded(first, t.analyzeRunsOk, nowSec, intervalMin);
  const threshold: Threshold = { op: '<', warn: needed, crit: 1, unit: 'runs' };
  if (!snap.ok) return unread(snap, threshold, 'runs');
  const { analyzeRunsLastHour: runs, analyzeFailuresLastHour: failed, lastAnalyzeFailure: last } = snap.value;
  const parts = [`${runs} ${inWindow(windowSec)}`];
  const steady = t.analyzeRunsOk ?? Math.max(1, expected - 1);
  if (needed < steady && first !== null) parts.push(`first run ${humanAge(nowSec - first)} ago`);
  if (failed > 0) parts.push(`${failed} failed`);
  if (last) parts.push(`last failure ${humanAge(nowSec - last.at)} ago: ${last.message || '(no message)'}`);
  return {
    state: grade(runs, threshold),
    figure: runs,
    unit: 'runs',
    threshold,
    message: parts.join(', '),
    metrics: [
      {
        name: 'utxoracle_analyze_runs_last_hour',
        help: 'analyze runs that completed in the window (an hour, or two analyze intervals when slower).',
        value: runs,
      },
      {
        name: 'utxoracle_analyze_failures_last_hour',
        help: 'analyze runs that failed in the same window.',
        value: failed,
      },
      {
        name: 'utxoracle_analyze_runs_expected',
        help: 'analyze runs the cadence starts in the window.',
        value: expected,
      },
    ],
    details: {
      window_seconds: windowSec,
      interval_minutes: intervalMin,
      expected,
      failed_last_hour: failed,
      last_failure: last ? { at: new Date(last.at * 1000).toISOString(), message: last.message } : null,
      first_run: first === null ? null : new Date(first * 1000).toISOString(),
    },
  };
}

export interface BackupThresholds {
  backupAgeWarnHours: number;
  backupAgeCritHours: number;
}

/** Age of the newest verified backup (backup runs daily at 03:00). None yet is WARN, like a first day. */
export function checkBackupAge(snap: Read<PriceDbSnapshot>, t: BackupThresholds, nowSec: number): CheckOutcome {
  const threshold: Threshold = {
    op: '>',
    warn: t.backupAgeWarnHours * 3600,
    crit: t.backupAgeCritHours * 3600,
    unit: 's',
  };
  if (!snap.ok) return unread(snap, threshold, 's');
  return ageOutcome({
    at: snap.value.newestVerifiedBackupAt,
    nowSec,
    threshold,
    none: { state: 'WARN', message: 'no verified backup yet' },
    message: (age) => `newest verified backup ${humanAge(age)} old`,
    metric: { name: 'utxoracle_backup_age_seconds', help: 'Age of the newest verified backup.' },
  });
}
