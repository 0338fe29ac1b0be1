// whale-watch: alive (its heartbeat's age, as a long-running process cron restarts within a minute;
// it beats every 30 s) and never deaf without saying so. A fresh heartbeat of a running whale-watch
// is graded further: disconnected from mempool's WebSocket for longer than
// HEALTH_WHALE_DISCONNECTED_WARN_SEC / _CRIT_SEC; connected but no `mempool-transactions` delta for
// HEALTH_WHALE_SILENT_WARN_SEC (a backend older than v3.0 sends none); its own memory past
// WHALE_MEMORY_WARN_MB / _MAX_MB; its writes to the whale database failing (the status file, which
// works on the full disk that stops the heartbeat). One stopped on purpose (SIGTERM) wrote a last
// heartbeat saying so, and is graded by that heartbeat's age, not as "disconnected".
import { sendsDeltas } from '../../sources/mempool/backendInfo.js';
import type { WhaleStatus } from '../../whale/statusFile.js';
import { grade, humanAge, worst } from '../grade.js';
import { whaleGauges } from '../gauges.js';
import type { Read, WhaleSnapshot } from '../snapshot.js';
import type { CheckOutcome, CheckState, Metric, Threshold } from '../types.js';
import { ageOutcome } from './age.js';
import { unread } from './database.js';

export interface WhaleThresholds {
  whaleHeartbeatWarnSec: number;
  whaleHeartbeatCritSec: number;
  whaleDisconnectedWarnSec: number;
  whaleDisconnectedCritSec: number;
  whaleSilentWarnSec: number;
}

export interface WhaleMemoryLimits {
  warnMb: number;
  maxMb: number;
}

const iso = (sec: number) => new Date(sec * 1000).toISOString();

/**
 * whale-watch's check. No heartbeat at all is WARN "whale-watch has never run": an operator may not
 * have enabled it yet, and the price pipeline does not depend on it. Without an exchange address
 * list the message says flows are not labelled, but that alone grades nothing (a choice, not a fault).
 */
export function checkWhaleWatch(
  snap: Read<WhaleSnapshot>,
  status: WhaleStatus | null,
  t: WhaleThresholds,
  memory: WhaleMemoryLimits,
  nowSec: number,
): CheckOutcome {
  const threshold: Threshold = { op: '>', warn: t.whaleHeartbeatWarnSec, crit: t.whaleHeartbeatCritSec, unit: 's' };
  if (!snap.ok) return unread(snap, threshold, 's');
  const w = snap.value;
  const flows = w.flowsLabelled === false ? ', flows not labelled (no EXCHANGE_ADDRESSES_FILE)' : '';
  const outcome = ageOutcome({
    at: w.lastBeatAt,
    nowSec,
    threshold,
    none: { state: 'WARN', message: 'whale-watch has never run' },
    message: (age) =>
      w.stopped
        ? `stopped on purpose, last heartbeat ${humanAge(age)} ago${flows}`
        : `heartbeat ${humanAge(age)} ago, ${w.connected ? 'connected' : 'disconnected'}, tracking ${w.tracked}${flows}`,
    metric: {
      name: 'utxoracle_whale_heartbeat_age_seconds',
      help: 'Seconds since whale-watch last wrote its heartbeat.',
    },
  });
  outcome.metrics.push(...whaleGauges(w));
  outcome.details = {
    connected: w.connected,
    tracked: w.tracked,
    flows_labelled: w.flowsLabelled,
    stopped: w.stopped,
    connected_since: w.connectedSince === null ? null : iso(w.connectedSince),
    disconnected_since: w.disconnectedSince === null ? null : iso(w.disconnectedSince),
    last_delta_at: w.lastDeltaAt === null ? null : iso(w.lastDeltaAt),
    mempool: { version: w.mempoolVersion, backend: w.mempoolBackend },
    lookups: w.lookups,
    rss_mb: w.rssMb,
  };
  const fresh = w.lastBeatAt !== null && nowSec - w.lastBeatAt <= t.whaleHeartbeatCritSec;
  const findings: { state: CheckState; text: string }[] = [];
  if (fresh && !w.stopped) findings.push(...hearing(w, t, nowSec, outcome.metrics), ...memoryOf(w, memory));
  const flush = flushing(status, t, nowSec);
  if (flush) findings.push(flush);
  if (status)
    outcome.metrics.push({
      name: 'utxoracle_whale_flush_failing',
      help: 'whale-watch cannot write to the whale database (1) or can (0), from its status file.',
      value: flush ? 1 : 0,
    });
  if (findings.length === 0) return outcome;
  return {
    ...outcome,
    state: worst(outcome.state, ...findings.map((f) => f.state)),
    message: `${findings.map((f) => f.text).join('; ')}; ${outcome.message}`,
  };
}

/** Connected or not, and hearing deltas or not. */
function hearing(
  w: WhaleSnapshot,
  t: WhaleThresholds,
  nowSec: number,
  metrics: Metric[],
): { state: CheckState; text: string }[] {
  const down = w.connected ? 0 : w.disconnectedSince === null ? null : nowSec - w.disconnectedSince;
  if (down === null) return [];
  metrics.push({
    name: 'utxoracle_whale_disconnected_seconds',
    help: "Seconds whale-watch has been disconnected from mempool's WebSocket (0 when connected).",
    value: down,
  });
  if (!w.connected) {
    const state = grade(down, {
      op: '>',
      warn: t.whaleDisconnectedWarnSec,
      crit: t.whaleDisconnectedCritSec,
      unit: 's',
    });
    return state === 'OK' ? [] : [{ state, text: `disconnected from mempool's WebSocket for ${humanAge(down)}` }];
  }
  const since = w.lastDeltaAt ?? w.connectedSince;
  if (since === null) return [];
  const silent = nowSec - since;
  metrics.push({
    name: 'utxoracle_whale_silent_seconds',
    help: 'Seconds since the last mempool-transactions delta whale-watch received (or since it connected).',
    value: silent,
  });
  if (silent <= t.whaleSilentWarnSec) return [];
  const old =
    w.mempoolVersion !== null && !sendsDeltas({ version: w.mempoolVersion, backend: null, coreVersion: null })
      ? ` (mempool ${w.mempoolVersion} is older than v3.0 and sends none: upgrade it)`
      : '';
  const what =
    w.lastDeltaAt === null ? 'no mempool-transactions delta since it connected' : 'no mempool-transactions delta';
  return [{ state: 'WARN', text: `connected, but ${what} for ${humanAge(silent)}${old}` }];
}

function memoryOf(w: WhaleSnapshot, m: WhaleMemoryLimits): { state: CheckState; text: string }[] {
  if (w.rssMb === null) return [];
  const state = grade(w.rssMb, { op: '>', warn: m.warnMb, crit: m.maxMb, unit: 'MB' });
  if (state === 'OK') return [];
  const limit = state === 'CRIT' ? `WHALE_MEMORY_MAX_MB ${m.maxMb}` : `WHALE_MEMORY_WARN_MB ${m.warnMb}`;
  return [{ state, text: `memory ${Math.round(w.rssMb)} MB above ${limit}` }];
}

/** The whale database refusing writes, from the status file (fresh: written within the heartbeat's CRIT age). */
function flushing(
  status: WhaleStatus | null,
  t: WhaleThresholds,
  nowSec: number,
): { state: CheckState; text: string } | null {
  if (!status?.flush.failing_since || status.stopped) return null;
  const updated = Date.parse(status.updated_at) / 1000;
  if (!(nowSec - updated <= t.whaleHeartbeatCritSec)) return null;
  const since = Date.parse(status.flush.failing_since) / 1000;
  return {
    state: 'CRIT',
    text:
      `writes to the whale database failing for ${humanAge(nowSec - since)} (${status.flush.last_error ?? 'unknown error'}): ` +
      `${status.flush.pending_rows} rows held in memory until it accepts them`,
  };
}
