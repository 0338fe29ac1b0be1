import path from 'node:path';
import { ConfigError } from '../errors.js';
import { buildHealthSettings, type HealthSettings } from './healthSettings.js';
import { network, NETWORK_PARAMS, type BitcoinNetwork } from './network.js';
import { alias, bool, filePath, host, int, num, oneOf, raw, url, urlOrNone, type RawSettings } from './parse.js';

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
  /** How often cron runs analyze (minutes): what health-check expects (it schedules nothing). */
  analysisIntervalMinutes: number;
  /** How long analyze waits for a node that restarts (unreachable, then warming up), seconds. */
  bitcoinRestartWaitSec: number;

  whaleThresholdBtc: number;
  exchangeAddressesFile: string | undefined;
  whaleMaxTracked: number;
  whaleFlushIntervalMs: number;
  whaleHeartbeatSec: number;
  whaleOutcomeTimeoutMin: number;
  whaleSeenMax: number;
  whaleCatchupConcurrency: number;
  whaleCatchupBudgetSec: number;
  /** whale-watch's own RSS: a warning past this (MEMORY_THRESHOLD_MB in the whale guide), a restart past the max. */
  whaleMemoryWarnMb: number;
  whaleMemoryMaxMb: number;
  /** 7-day prediction accuracy below these: the accuracy alert's warning / critical. */
  whaleAccuracyWarn: number;
  whaleAccuracyCrit: number;

  backupRetentionDays: number;
  /** backup keeps a copy of the .env beside the databases (mode 0600). */
  backupConfig: boolean;
  archiveRetentionDays: number;

  health: HealthSettings;

  /** The ops webhook: every alert, or every alert but the whales' when they have a route of their own. */
  alertWebhookUrl: string | undefined;
  alertWebhookSecret: string | undefined;
  /** Whale alerts (whales and whale accuracy) to their own webhook; unset: the ops webhook. */
  whaleWebhookUrl: string | undefined;
  /** Its HMAC secret; unset: ALERT_WEBHOOK_SECRET. */
  whaleWebhookSecret: string | undefined;
  /** Only whales of at least this many BTC are alerted (they are all saved); 0: every whale. */
  whaleAlertMinBtc: number;
  /** An alert still firing is not sent again before this many seconds (ALERT_COOLDOWN_SECONDS). */
  alertCooldownSec: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  logFormat: 'json' | 'pretty' | 'auto';
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * Builds the settings from one flat map (environment already merged over .env by the caller). Pure:
 * the data directory is created by the job's settings phase (dataDir.ts), under its signal and deadline.
 */
export function buildSettings(env: RawSettings, notices: string[] = []): Readonly<Settings> {
  const dataDir = filePath(env, 'UTXORACLE_DATA_DIR', './data');
  const under = (p: string) => path.join(dataDir, p);
  const bitcoinDatadir = filePath(env, 'BITCOIN_DATADIR', '~/.bitcoin');
  const bitcoinNetwork = network(env);
  const electrumHost = host(env, 'ELECTRUM_HOST');
  const electrumTls = bool(env, 'ELECTRUM_TLS_ENABLED', false);
  // The ports romanz/electrs and Fulcrum listen on by default: 50001 plain, 50002 TLS.
  const electrumPort = int(env, 'ELECTRUM_PORT', electrumTls ? 50002 : 50001, { min: 1, max: 65_535 });
  const cookie = raw(env, 'BITCOIN_RPC_COOKIE_FILE');
  const analysisIntervalMinutes = int(env, 'ANALYSIS_INTERVAL_MINUTES', 10, { min: 1, max: 1440 });
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
    duckdbBackupPath: fallbackPath(env, under('fallback/utxoracle_fallback.db'), notices),
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
    mempoolWsUrl: wsUrl(env, notices),
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
    analysisIntervalMinutes,
    bitcoinRestartWaitSec: int(env, 'BITCOIN_RESTART_WAIT_SEC', 600, { min: 0, max: 86_400 }),

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
    whaleMemoryWarnMb: num(env, alias(env, 'WHALE_MEMORY_WARN_MB', 'MEMORY_THRESHOLD_MB'), 400, { min: 16 }),
    whaleMemoryMaxMb: num(env, alias(env, 'WHALE_MEMORY_MAX_MB', 'MEMORY_MAX_MB'), 500, { min: 16 }),
    whaleAccuracyWarn: num(env, alias(env, 'WHALE_ACCURACY_WARN', 'ACCURACY_WARNING_THRESHOLD'), 0.75, {
      min: 0,
      max: 1,
    }),
    whaleAccuracyCrit: num(env, alias(env, 'WHALE_ACCURACY_CRIT', 'ACCURACY_CRITICAL_THRESHOLD'), 0.7, {
      min: 0,
      max: 1,
    }),

    backupRetentionDays: int(env, 'BACKUP_RETENTION_DAYS', 30, { min: 1 }),
    archiveRetentionDays: int(env, 'ARCHIVE_RETENTION_DAYS', 90, { min: 1 }),
    backupConfig: bool(env, 'BACKUP_CONFIG', true),

    health: buildHealthSettings(env, analysisIntervalMinutes),

    alertWebhookUrl: url(env, 'ALERT_WEBHOOK_URL', undefined, ['http:', 'https:']),
    alertWebhookSecret: raw(env, 'ALERT_WEBHOOK_SECRET'),
    whaleWebhookUrl: url(env, 'WHALE_WEBHOOK_URL', undefined, ['http:', 'https:']),
    whaleWebhookSecret: raw(env, 'WHALE_WEBHOOK_SECRET'),
    whaleAlertMinBtc: num(env, 'WHALE_ALERT_MIN_BTC', 0, { min: 0, max: 21_000_000 }),
    alertCooldownSec: int(env, 'ALERT_COOLDOWN_SECONDS', 3600, { min: 0 }),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    logFormat: oneOf(env, 'LOG_FORMAT', 'auto', ['json', 'pretty', 'auto'] as const),
  };
  if ((s.bitcoinRpcUser === undefined) !== (s.bitcoinRpcPassword === undefined)) {
    throw new ConfigError('BITCOIN_RPC_USER and BITCOIN_RPC_PASSWORD must be set together', 'BITCOIN_RPC_USER');
  }
  return deepFreeze(s);
}

/**
 * MEMPOOL_WS_URL. The whale guide's `ws://localhost:8999/ws/track-mempool-tx` is no path mempool
 * serves (websocket-handler.ts listens on /api/v1/ws): the same host's /api/v1/ws is used, with a notice.
 */
function wsUrl(env: RawSettings, notices: string[]): string {
  const v = url(env, 'MEMPOOL_WS_URL', 'ws://localhost:8999/api/v1/ws', ['ws:', 'wss:'])!;
  const u = new URL(v);
  if (!/\/ws\/track-mempool-tx\/?$/.test(u.pathname)) return v;
  u.pathname = u.pathname.replace(/\/ws\/track-mempool-tx\/?$/, '/api/v1/ws');
  const fixed = u.toString();
  notices.push(
    `MEMPOOL_WS_URL ${v}: mempool serves its WebSocket at /api/v1/ws, not /ws/track-mempool-tx; using ${fixed}`,
  );
  return fixed;
}

/** DUCKDB_BACKUP_PATH; under /tmp (the runbook's template) it works, with a notice: /tmp is emptied at boot. */
function fallbackPath(env: RawSettings, dflt: string, notices: string[]): string {
  const p = filePath(env, 'DUCKDB_BACKUP_PATH', dflt);
  if (p === '/tmp' || p.startsWith('/tmp/'))
    notices.push(
      `DUCKDB_BACKUP_PATH ${p} is under /tmp, which a reboot empties: rows saved there before they are merged ` +
        'would be lost; the default (<data>/fallback/utxoracle_fallback.db) is on the data disk',
    );
  return p;
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
