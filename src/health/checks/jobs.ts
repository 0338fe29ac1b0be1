import { grade, humanAge } from '../grade.js';
import type { PriceDbSnapshot, Read, WhaleSnapshot } from '../snapshot.js';
import type { CheckOutcome, Threshold } from '../types.js';
import { ageOutcome } from './age.js';
import { unread } from './database.js';
import { whaleGauges } from '../gauges.js';

export interface AnalyzeRunsThresholds {
  analyzeRunsOk: number;
}

/** cron starts analyze every ten minutes (crontab.example). */
const CRON_INTERVAL_SEC = 600;

/**
 * The fewest good runs in the last hour that is OK: `analyzeRunsOk` of cron's six, or, while the
 * first analyze run this database knows of is less than an hour old (a fresh install, the demo),
 * what cron can have started since then with the same one run of slack, and at least one. An
 * install ten minutes old with two good runs is healthy, not "2 in the last hour".
 */
export function analyzeRunsNeeded(firstRunAt: number | null, runsOk: number, nowSec: number): number {
  if (firstRunAt === null || nowSec - firstRunAt >= 3600) return runsOk;
  const possible = Math.floor(Math.max(0, nowSec - firstRunAt) / CRON_INTERVAL_SEC) + 1;
  return Math.min(runsOk, Math.max(1, possible - 1));
}

/**
 * analyze runs that completed (ok or degraded) in the last hour: cron starts six. Fewer than
 * `analyzeRunsOk` is WARN (fewer than cron can have started, on an install younger than an hour),
 * none is CRIT. The last failure and its message come along so the operator sees why without
 * opening the logs.
 */
export function checkAnalyzeRuns(snap: Read<PriceDbSnapshot>, t: AnalyzeRunsThresholds, nowSec: number): CheckOutcome {
  const first = snap.ok ? snap.value.firstAnalyzeRunAt : null;
  const needed = analyzeRunsNeeded(first, t.analyzeRunsOk, nowSec);
  const threshold: Threshold = { op: '<', warn: needed, crit: 1, unit: 'runs' };
  if (!snap.ok) return unread(snap, threshold, 'runs');
  const { analyzeRunsLastHour: runs, analyzeFailuresLastHour: failed, lastAnalyzeFailure: last } = snap.value;
  const parts = [`${runs} in the last hour`];
  if (needed < t.analyzeRunsOk && first !== null) parts.push(`first run ${humanAge(nowSec - first)} ago`);
  if (failed > 0) parts.push(`${failed} failed`);
  if (last) parts.push(`last failure ${humanAge(nowSec - last.at)} ago: ${last.message || '(no message)'}`);
  return {
    state: grade(runs, threshold),
    figure: runs,
    unit: 'runs',
    threshold,
    message: parts.join(', '),
    metrics: [
      { name: 'utxoracle_analyze_runs_last_hour', help: 'analyze runs that completed in the last hour.', value: runs },
      {
        name: 'utxoracle_analyze_failures_last_hour',
        help: 'analyze runs that failed in the last hour.',
        value: failed,
      },
    ],
    details: {
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

export interface WhaleThresholds {
  whaleHeartbeatWarnSec: number;
  whaleHeartbeatCritSec: number;
}

/**
 * whale-watch heartbeat age (a long-running process cron restarts within a minute if it dies; it
 * beats every 30 s). No heartbeat at all is WARN "whale-watch has never run": an operator may not
 * have enabled it yet, and the price pipeline does not depend on it. The heartbeat also says whether
 * flows can be labelled (an exchange address list was loaded); without one the message says so, but
 * the state stays the heartbeat's: this check is about whale-watch being alive, and an operator who
 * chose not to label flows would otherwise see DEGRADED forever.
 */
export function checkWhaleHeartbeat(snap: Read<WhaleSnapshot>, t: WhaleThresholds, nowSec: number): CheckOutcome {
  const threshold: Threshold = { op: '>', warn: t.whaleHeartbeatWarnSec, crit: t.whaleHeartbeatCritSec, unit: 's' };
  if (!snap.ok) return unread(snap, threshold, 's');
  const { lastBeatAt, connected, tracked, flowsLabelled } = snap.value;
  const flows = flowsLabelled === false ? ', flows not labelled (no EXCHANGE_ADDRESSES_FILE)' : '';
  const outcome = ageOutcome({
    at: lastBeatAt,
    nowSec,
    threshold,
    none: { state: 'WARN', message: 'whale-watch has never run' },
    message: (age) =>
      `heartbeat ${humanAge(age)} ago, ${connected ? 'connected' : 'disconnected'}, tracking ${tracked}${flows}`,
    metric: {
      name: 'utxoracle_whale_heartbeat_age_seconds',
      help: 'Seconds since whale-watch last wrote its heartbeat.',
    },
    details: { connected, tracked, flows_labelled: flowsLabelled },
  });
  outcome.metrics.push(...whaleGauges(snap.value));
  return outcome;
}
