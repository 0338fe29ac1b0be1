import path from 'node:path';
import { ConfigError } from '../errors.js';
import { network, NETWORK_PARAMS, type BitcoinNetwork } from './network.js';
import { bool, filePath, host, int, num, oneOf, raw, url, urlOrNone, type RawSettings } from './parse.js';

/** Every setting of the suite, validated and typed. `.env.example` documents each one. */
export interface Settings {
  dataDir: string;
  duckdbPath: string;
  duckdbBackupPath: string;
  whaleDbPath: string;
  backupDir: string;
  archiveDir: string;
  logDir: string;
  cacheDir: string;
  lockDir: string;

  /** BITCOIN_NETWORK: where the cookie is, the default RPC port, how scripts read as addresses. */
  bitcoinNetwork: BitcoinNetwork;
  bitcoinRpcUrl: string;
  bitcoinDatadir: string;
  bitcoinRpcCookieFile: string | undefined;
  bitcoinRpcUser: string | undefined;
  bitcoinRpcPassword: string | undefined;
  bitcoinRpcTimeoutMs: number;
  bitcoinRpcConcurrency: number;

  /** An Esplora HTTP API (electrs, Blockstream's esplora); undefined: ELECTRS_API_URL=none. */
  electrsApiUrl: string | undefined;
  /** An Electrum-protocol server (romanz/electrs, Fulcrum): ELECTRUM_HOST/PORT/TLS_ENABLED; undefined when no host. */
  electrum: { host: string; port: number; tls: boolean } | undefined;
  /** mempool's REST API; undefined: MEMPOOL_API_URL=none (no exchange price, by choice). */
  mempoolApiUrl: string | undefined;
  mempoolWsUrl: string;
  sourceTimeoutMs: number;

  confidenceThreshold: number;
  minPriceUsd: number;
  maxPriceUsd: number;
  mempoolPriceMaxAgeSec: number;
  analyzeBackfillDays: number;
  blockCacheDays: number;
  analyzeParseThreads: number;

  whaleThresholdBtc: number;
  exchangeAddressesFile: string | undefined;
  whaleMaxTracked: number;
  whaleFlushIntervalMs: number;
  whaleHeartbeatSec: number;
  whaleOutcomeTimeoutMin: number;
  whaleSeenMax: number;
  whaleCatchupConcurrency: number;
  whaleCatchupBudgetSec: number;

  backupRetentionDays: number;
  archiveRetentionDays: number;

  health: {
    electrsLagWarn: number;
    electrsLagCrit: number;
    mempoolLatencyWarnMs: number;
    mempoolLatencyCritMs: number;
    dbSizeWarnMb: number;
    dbSizeCritMb: number;
    priceAgeWarnMin: number;
    priceAgeCritMin: number;
    analyzeRunsOk: number;
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
    checkTimeoutMs: number;
    totalTimeoutMs: number;
    /** node_exporter textfile health-check writes every run (unset: none; --prometheus overrides). */
    prometheusFile: string | undefined;
  };

  alertWebhookUrl: string | undefined;
  alertWebhookSecret: string | undefined;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  logFormat: 'json' | 'pretty' | 'auto';
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * Builds the settings from one flat map (environment already merged over .env by the caller). Pure:
 * the data directory is created by the job's settings phase (dataDir.ts), under its signal and deadline.
 */
export function buildSettings(env: RawSettings): Readonly<Settings> {
  const dataDir = filePath(env, 'UTXORACLE_DATA_DIR', './data');
  const under = (p: string) => path.join(dataDir, p);
  const bitcoinDatadir = filePath(env, 'BITCOIN_DATADIR', '~/.bitcoin');
  const bitcoinNetwork = network(env);
  const electrumHost = host(env, 'ELECTRUM_HOST');
  const electrumTls = bool(env, 'ELECTRUM_TLS_ENABLED', false);
  // The ports romanz/electrs and Fulcrum listen on by default: 50001 plain, 50002 TLS.
  const electrumPort = int(env, 'ELECTRUM_PORT', electrumTls ? 50002 : 50001, { min: 1, max: 65_535 });
  const cookie = raw(env, 'BITCOIN_RPC_COOKIE_FILE');
  const minPriceUsd = num(env, 'MIN_PRICE_USD', 10_000, { min: 0 });
  const maxPriceUsd = num(env, 'MAX_PRICE_USD', 500_000, { min: 0 });
  if (maxPriceUsd <= minPriceUsd) {
    throw new ConfigError(
      `MAX_PRICE_USD (${maxPriceUsd}) must be greater than MIN_PRICE_USD (${minPriceUsd})`,
      'MAX_PRICE_USD',
    );
  }
  const s: Settings = {
    dataDir,
    duckdbPath: filePath(env, 'DUCKDB_PATH', under('utxoracle_cache.db')),
    duckdbBackupPath: filePath(env, 'DUCKDB_BACKUP_PATH', under('fallback/utxoracle_fallback.db')),
    whaleDbPath: filePath(env, 'WHALE_DB_PATH', under('mempool_predictions.db')),
    backupDir: filePath(env, 'BACKUP_DIR', under('backups')),
    archiveDir: filePath(env, 'ARCHIVE_DIR', under('archives')),
    logDir: filePath(env, 'LOG_DIR', under('logs')),
    cacheDir: filePath(env, 'BLOCK_CACHE_DIR', under('block-cache')),
    lockDir: under('locks'),

    bitcoinNetwork,
    bitcoinRpcUrl: url(env, 'BITCOIN_RPC_URL', `http://127.0.0.1:${NETWORK_PARAMS[bitcoinNetwork].rpcPort}`, [
      'http:',
      'https:',
    ])!,
    bitcoinDatadir,
    bitcoinRpcCookieFile: cookie === undefined ? undefined : filePath(env, 'BITCOIN_RPC_COOKIE_FILE', cookie),
    bitcoinRpcUser: raw(env, 'BITCOIN_RPC_USER'),
    bitcoinRpcPassword: raw(env, 'BITCOIN_RPC_PASSWORD'),
    bitcoinRpcTimeoutMs: int(env, 'BITCOIN_RPC_TIMEOUT_MS', 30_000, { min: 100 }),
    bitcoinRpcConcurrency: int(env, 'BITCOIN_RPC_CONCURRENCY', 4, { min: 1, max: 64 }),

    electrsApiUrl: urlOrNone(env, 'ELECTRS_API_URL', 'http://localhost:3001', ['http:', 'https:']),
    electrum: electrumHost === undefined ? undefined : { host: electrumHost, port: electrumPort, tls: electrumTls },
    mempoolApiUrl: urlOrNone(env, 'MEMPOOL_API_URL', 'http://localhost:8999', ['http:', 'https:']),
    mempoolWsUrl: url(env, 'MEMPOOL_WS_URL', 'ws://localhost:8999/api/v1/ws', ['ws:', 'wss:'])!,
    sourceTimeoutMs: int(env, 'SOURCE_TIMEOUT_MS', 10_000, { min: 100 }),

    confidenceThreshold: num(env, 'UTXORACLE_CONFIDENCE_THRESHOLD', 0.3, { min: 0, max: 1 }),
    minPriceUsd,
    maxPriceUsd,
    // mempool refreshes its price once an hour (config.ts PRICE_UPDATES_PER_HOUR: 1) and stamps it
    // when the feeds answer, so its age runs to an hour and some seconds before each refresh: the
    // limit sits half an hour above that, and a price is called stale only once a refresh is missed.
    mempoolPriceMaxAgeSec: int(env, 'MEMPOOL_PRICE_MAX_AGE_SEC', 5400, { min: 1 }),
    analyzeBackfillDays: int(env, 'ANALYZE_BACKFILL_DAYS', 3, { min: 0, max: 365 }),
    blockCacheDays: int(env, 'BLOCK_CACHE_DAYS', 3, { min: 1, max: 365 }),
    analyzeParseThreads: int(env, 'ANALYZE_PARSE_THREADS', 2, { min: 0, max: 64 }),

    whaleThresholdBtc: num(env, 'WHALE_THRESHOLD_BTC', 100, { min: 0.00000001, max: 21_000_000 }),
    exchangeAddressesFile:
      raw(env, 'EXCHANGE_ADDRESSES_FILE') === undefined ? undefined : filePath(env, 'EXCHANGE_ADDRESSES_FILE', ''),
    whaleMaxTracked: int(env, 'WHALE_MAX_TRACKED', 10_000, { min: 1 }),
    whaleFlushIntervalMs: int(env, 'WHALE_FLUSH_INTERVAL_MS', 5_000, { min: 10 }),
    whaleHeartbeatSec: int(env, 'WHALE_HEARTBEAT_SEC', 30, { min: 1 }),
    whaleOutcomeTimeoutMin: int(env, 'WHALE_OUTCOME_TIMEOUT_MIN', 180, { min: 1 }),
    whaleSeenMax: int(env, 'WHALE_SEEN_MAX', 1_000_000, { min: 1_000, max: 10_000_000 }),
    whaleCatchupConcurrency: int(env, 'WHALE_CATCHUP_CONCURRENCY', 8, { min: 1, max: 64 }),
    whaleCatchupBudgetSec: int(env, 'WHALE_CATCHUP_BUDGET_SEC', 600, { min: 1 }),

    backupRetentionDays: int(env, 'BACKUP_RETENTION_DAYS', 30, { min: 1 }),
    archiveRetentionDays: int(env, 'ARCHIVE_RETENTION_DAYS', 90, { min: 1 }),

    health: {
      electrsLagWarn: int(env, 'HEALTH_ELECTRS_LAG_WARN', 3, { min: 0 }),
      electrsLagCrit: int(env, 'HEALTH_ELECTRS_LAG_CRIT', 11, { min: 0 }),
      mempoolLatencyWarnMs: int(env, 'HEALTH_MEMPOOL_LATENCY_WARN_MS', 2_000, { min: 1 }),
      mempoolLatencyCritMs: int(env, 'HEALTH_MEMPOOL_LATENCY_CRIT_MS', 5_000, { min: 1 }),
      dbSizeWarnMb: num(env, 'HEALTH_DB_SIZE_WARN_MB', 1_024, { min: 0 }),
      dbSizeCritMb: num(env, 'HEALTH_DB_SIZE_CRIT_MB', 5_120, { min: 0 }),
      priceAgeWarnMin: num(env, 'HEALTH_PRICE_AGE_WARN_MIN', 20, { min: 0 }),
      priceAgeCritMin: num(env, 'HEALTH_PRICE_AGE_CRIT_MIN', 60, { min: 0 }),
      analyzeRunsOk: int(env, 'HEALTH_ANALYZE_RUNS_OK', 5, { min: 1 }),
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
      checkTimeoutMs: int(env, 'HEALTH_CHECK_TIMEOUT_MS', 8_000, { min: 100 }),
      totalTimeoutMs: int(env, 'HEALTH_TOTAL_TIMEOUT_MS', 20_000, { min: 200 }),
      prometheusFile:
        raw(env, 'HEALTH_PROMETHEUS_FILE') === undefined ? undefined : filePath(env, 'HEALTH_PROMETHEUS_FILE', ''),
    },

    alertWebhookUrl: url(env, 'ALERT_WEBHOOK_URL', undefined, ['http:', 'https:']),
    alertWebhookSecret: raw(env, 'ALERT_WEBHOOK_SECRET'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    logFormat: oneOf(env, 'LOG_FORMAT', 'auto', ['json', 'pretty', 'auto'] as const),
  };
  if ((s.bitcoinRpcUser === undefined) !== (s.bitcoinRpcPassword === undefined)) {
    throw new ConfigError('BITCOIN_RPC_USER and BITCOIN_RPC_PASSWORD must be set together', 'BITCOIN_RPC_USER');
  }
  return deepFreeze(s);
}

/**
 * Every name buildSettings reads (the settings .env may set), found by building the defaults from a
 * map that records what is asked of it: a setting added to buildSettings is known here by itself.
 */
export function settingNames(): ReadonlySet<string> {
  if (names) return names;
  const seen = new Set<string>();
  const probe = new Proxy<RawSettings>(
    {},
    {
      get: (_target, key) => {
        if (typeof key === 'string') seen.add(key);
        return undefined;
      },
    },
  );
  buildSettings(probe);
  names = seen;
  return names;
}
let names: ReadonlySet<string> | undefined;

function deepFreeze<T extends object>(o: T): Readonly<T> {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}
