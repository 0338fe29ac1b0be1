// health-check's thresholds (HEALTH_*). Two follow the analyze cadence (ANALYSIS_INTERVAL_MINUTES)
// unless set: the newest price's age (WARN past two intervals, CRIT past six, at least an hour) and
// the runs the window must hold (health/checks/jobs.ts), so each of the runbook's schedules — 5, 10,
// 15 or 60 minutes, 6 hours — is HEALTHY while its jobs run on time.
import { filePath, int, num, raw, type RawSettings } from './parse.js';

export interface HealthSettings {
  electrsLagWarn: number;
  electrsLagCrit: number;
  mempoolLatencyWarnMs: number;
  mempoolLatencyCritMs: number;
  dbSizeWarnMb: number;
  dbSizeCritMb: number;
  priceAgeWarnMin: number;
  priceAgeCritMin: number;
  /** Good analyze runs in the window that are OK; undefined: all but one of those the cadence starts. */
  analyzeRunsOk: number | undefined;
  backupAgeWarnHours: number;
  backupAgeCritHours: number;
  whaleHeartbeatWarnSec: number;
  whaleHeartbeatCritSec: number;
  /** whale-watch disconnected from mempool's WebSocket longer than this: WARN / CRIT. */
  whaleDisconnectedWarnSec: number;
  whaleDisconnectedCritSec: number;
  /** Connected, but no `mempool-transactions` delta for this long: WARN (a backend that sends none). */
  whaleSilentWarnSec: number;
  diskWarnPct: number;
  diskCritPct: number;
  invalidShareWarnPct: number;
  invalidShareCritPct: number;
  /** The node's tip block older than this (minutes): a node stuck at a height while "synced". */
  tipAgeWarnMin: number;
  tipAgeCritMin: number;
  /** Mean |diff_percent| of the newest HEALTH_DIVERGENCE_RUNS rows above this: WARN / CRIT. */
  divergenceWarnPct: number;
  divergenceCritPct: number;
  divergenceRuns: number;
  checkTimeoutMs: number;
  totalTimeoutMs: number;
  /** node_exporter textfile health-check writes every run (unset: none; --prometheus overrides). */
  prometheusFile: string | undefined;
}

export function buildHealthSettings(env: RawSettings, analysisIntervalMin: number): HealthSettings {
  return {
    electrsLagWarn: int(env, 'HEALTH_ELECTRS_LAG_WARN', 3, { min: 0 }),
    electrsLagCrit: int(env, 'HEALTH_ELECTRS_LAG_CRIT', 11, { min: 0 }),
    mempoolLatencyWarnMs: int(env, 'HEALTH_MEMPOOL_LATENCY_WARN_MS', 2_000, { min: 1 }),
    mempoolLatencyCritMs: int(env, 'HEALTH_MEMPOOL_LATENCY_CRIT_MS', 5_000, { min: 1 }),
    dbSizeWarnMb: num(env, 'HEALTH_DB_SIZE_WARN_MB', 1_024, { min: 0 }),
    dbSizeCritMb: num(env, 'HEALTH_DB_SIZE_CRIT_MB', 5_120, { min: 0 }),
    priceAgeWarnMin: num(env, 'HEALTH_PRICE_AGE_WARN_MIN', 2 * analysisIntervalMin, { min: 0 }),
    priceAgeCritMin: num(env, 'HEALTH_PRICE_AGE_CRIT_MIN', Math.max(60, 6 * analysisIntervalMin), { min: 0 }),
    analyzeRunsOk:
      raw(env, 'HEALTH_ANALYZE_RUNS_OK') === undefined ? undefined : int(env, 'HEALTH_ANALYZE_RUNS_OK', 1, { min: 1 }),
    backupAgeWarnHours: num(env, 'HEALTH_BACKUP_AGE_WARN_HOURS', 26, { min: 0 }),
    backupAgeCritHours: num(env, 'HEALTH_BACKUP_AGE_CRIT_HOURS', 50, { min: 0 }),
    whaleHeartbeatWarnSec: int(env, 'HEALTH_WHALE_HEARTBEAT_WARN_SEC', 180, { min: 1 }),
    whaleHeartbeatCritSec: int(env, 'HEALTH_WHALE_HEARTBEAT_CRIT_SEC', 900, { min: 1 }),
    whaleDisconnectedWarnSec: int(env, 'HEALTH_WHALE_DISCONNECTED_WARN_SEC', 300, { min: 1 }),
    whaleDisconnectedCritSec: int(env, 'HEALTH_WHALE_DISCONNECTED_CRIT_SEC', 1800, { min: 1 }),
    whaleSilentWarnSec: int(env, 'HEALTH_WHALE_SILENT_WARN_SEC', 900, { min: 1 }),
    diskWarnPct: num(env, 'HEALTH_DISK_WARN_PCT', 80, { min: 0, max: 100 }),
    diskCritPct: num(env, 'HEALTH_DISK_CRIT_PCT', 95, { min: 0, max: 100 }),
    invalidShareWarnPct: num(env, 'HEALTH_INVALID_SHARE_WARN_PCT', 25, { min: 0, max: 100 }),
    invalidShareCritPct: num(env, 'HEALTH_INVALID_SHARE_CRIT_PCT', 75, { min: 0, max: 100 }),
    tipAgeWarnMin: num(env, 'HEALTH_TIP_AGE_WARN_MIN', 90, { min: 1 }),
    tipAgeCritMin: num(env, 'HEALTH_TIP_AGE_CRIT_MIN', 240, { min: 1 }),
    divergenceWarnPct: num(env, 'HEALTH_DIVERGENCE_WARN_PCT', 5, { min: 0 }),
    divergenceCritPct: num(env, 'HEALTH_DIVERGENCE_CRIT_PCT', 10, { min: 0 }),
    divergenceRuns: int(env, 'HEALTH_DIVERGENCE_RUNS', 6, { min: 1, max: 1000 }),
    checkTimeoutMs: int(env, 'HEALTH_CHECK_TIMEOUT_MS', 8_000, { min: 100 }),
    totalTimeoutMs: int(env, 'HEALTH_TOTAL_TIMEOUT_MS', 20_000, { min: 200 }),
    prometheusFile:
      raw(env, 'HEALTH_PROMETHEUS_FILE') === undefined ? undefined : filePath(env, 'HEALTH_PROMETHEUS_FILE', ''),
  };
}
