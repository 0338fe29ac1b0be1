import { grade, humanAge } from '../grade.js';
import type { PriceDbSnapshot, Read, WhaleSnapshot } from '../snapshot.js';
import type { CheckOutcome, Threshold } from '../types.js';
import { ageOutcome } from './age.js';
import { unread } from './database.js';
import { whaleGauges } from '../gauges.js';

export interface AnalyzeRunsThresholds {
  analyzeRunsOk: number;
}

/**
 * analyze runs that completed (ok or degraded) in the last hour: cron starts six. Fewer than
 * `analyzeRunsOk` is WARN, none is CRIT. The last failure and its message come along so the
 * operator sees why without opening the logs.
 */
export function checkAnalyzeRuns(snap: Read<PriceDbSnapshot>, t: AnalyzeRunsThresholds, nowSec: number): CheckOutcome {
  const threshold: Threshold = { op: '<', warn: t.analyzeRunsOk, crit: 1, unit: 'runs' };
  if (!snap.ok) return unread(snap, threshold, 'runs');
  const { analyzeRunsLastHour: runs, analyzeFailuresLastHour: failed, lastAnalyzeFailure: last } = snap.value;
  const parts = [`${runs} in the last hour`];
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
