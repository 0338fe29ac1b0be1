import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSettings } from '../../src/config/settings.js';
import { ConfigError } from '../../src/errors.js';
import { shown } from '../../src/config/redact.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'settings-'));

describe('settings defaults', () => {
  it('pins every default', () => {
    const dir = tmp();
    const s = buildSettings({ UTXORACLE_DATA_DIR: dir });
    expect(s).toEqual({
      dataDir: dir,
      duckdbPath: path.join(dir, 'utxoracle_cache.db'),
      duckdbBackupPath: path.join(dir, 'fallback/utxoracle_fallback.db'),
      whaleDbPath: path.join(dir, 'mempool_predictions.db'),
      backupDir: path.join(dir, 'backups'),
      archiveDir: path.join(dir, 'archives'),
      logDir: path.join(dir, 'logs'),
      cacheDir: path.join(dir, 'block-cache'),
      lockDir: path.join(dir, 'locks'),
      bitcoinNetwork: 'main',
      bitcoinRpcUrl: 'http://127.0.0.1:8332',
      bitcoinDatadir: path.join(os.homedir(), '.bitcoin'),
      bitcoinRpcCookieFile: undefined,
      bitcoinRpcUser: undefined,
      bitcoinRpcPassword: undefined,
      bitcoinRpcTimeoutMs: 30_000,
      bitcoinRpcConcurrency: 4,
      electrsApiUrl: 'http://localhost:3001',
      electrum: undefined,
      mempoolApiUrl: 'http://localhost:8999',
      mempoolWsUrl: 'ws://localhost:8999/api/v1/ws',
      sourceTimeoutMs: 10_000,
      confidenceThreshold: 0.3,
      minPriceUsd: 10_000,
      maxPriceUsd: 500_000,
      mempoolPriceMaxAgeSec: 5400,
      analyzeBackfillDays: 3,
      blockCacheDays: 3,
      analyzeParseThreads: 2,
      analysisIntervalMinutes: 10,
      bitcoinRestartWaitSec: 600,
      whaleThresholdBtc: 100,
      exchangeAddressesFile: undefined,
      whaleMaxTracked: 10_000,
      whaleFlushIntervalMs: 5_000,
      whaleHeartbeatSec: 30,
      whaleOutcomeTimeoutMin: 180,
      whaleSeenMax: 1_000_000,
      whaleCatchupConcurrency: 8,
      whaleCatchupBudgetSec: 600,
      whaleMemoryWarnMb: 400,
      whaleMemoryMaxMb: 500,
      whaleAccuracyWarn: 0.75,
      whaleAccuracyCrit: 0.7,
      backupRetentionDays: 30,
      backupConfig: true,
      archiveRetentionDays: 90,
      health: {
        electrsLagWarn: 3,
        electrsLagCrit: 11,
        mempoolLatencyWarnMs: 2_000,
        mempoolLatencyCritMs: 5_000,
        dbSizeWarnMb: 1_024,
        dbSizeCritMb: 5_120,
        priceAgeWarnMin: 20,
        priceAgeCritMin: 60,
        analyzeRunsOk: undefined,
        backupAgeWarnHours: 26,
        backupAgeCritHours: 50,
        whaleHeartbeatWarnSec: 180,
        whaleHeartbeatCritSec: 900,
        whaleDisconnectedWarnSec: 300,
        whaleDisconnectedCritSec: 1800,
        whaleSilentWarnSec: 900,
        diskWarnPct: 80,
        diskCritPct: 95,
        invalidShareWarnPct: 25,
        invalidShareCritPct: 75,
        tipAgeWarnMin: 90,
        tipAgeCritMin: 240,
        divergenceWarnPct: 5,
        divergenceCritPct: 10,
        divergenceRuns: 6,
        checkTimeoutMs: 8_000,
        totalTimeoutMs: 20_000,
        prometheusFile: undefined,
      },
      alertWebhookUrl: undefined,
      alertWebhookSecret: undefined,
      whaleWebhookUrl: undefined,
      whaleWebhookSecret: undefined,
      whaleAlertMinBtc: 0,
      alertCooldownSec: 3600,
      logLevel: 'info',
      logFormat: 'auto',
    });
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.health)).toBe(true);
  });

  it('derives database paths from the data directory, and creates nothing (dataDir.ts does, in the settings phase)', () => {
    const dir = path.join(tmp(), 'nested', 'data');
    const s = buildSettings({ UTXORACLE_DATA_DIR: dir });
    expect(fs.existsSync(dir)).toBe(false);
    expect(s.duckdbPath).toBe(path.join(dir, 'utxoracle_cache.db'));
  });

  it('trims URLs of trailing slashes and blank values fall back to defaults', () => {
    const s = buildSettings({
      UTXORACLE_DATA_DIR: tmp(),
      MEMPOOL_API_URL: 'http://10.0.0.5:8999/',
      MIN_PRICE_USD: '  ',
    });
    expect(s.mempoolApiUrl).toBe('http://10.0.0.5:8999');
    expect(s.minPriceUsd).toBe(10_000);
  });
});

describe('settings validation names the culprit', () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ MIN_PRICE_USD: 'abc' }, 'MIN_PRICE_USD', /MIN_PRICE_USD must be a number, got "abc"/],
    [{ MIN_PRICE_USD: '0x10' }, 'MIN_PRICE_USD', /must be a number/],
    [{ WHALE_THRESHOLD_BTC: 'NaN' }, 'WHALE_THRESHOLD_BTC', /must be a number/],
    [{ UTXORACLE_CONFIDENCE_THRESHOLD: '1.5' }, 'UTXORACLE_CONFIDENCE_THRESHOLD', /<= 1/],
    [{ BACKUP_RETENTION_DAYS: '2.5' }, 'BACKUP_RETENTION_DAYS', /whole number/],
    [{ BITCOIN_RPC_URL: 'not a url' }, 'BITCOIN_RPC_URL', /must be a URL/],
    [{ MEMPOOL_WS_URL: 'http://x/api/v1/ws' }, 'MEMPOOL_WS_URL', /scheme ws: or wss:/],
    [{ BITCOIN_RPC_URL: 'http://user:hunter2@127.0.0.1:8332' }, 'BITCOIN_RPC_URL', /must not contain credentials/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of trace/],
    [{ MIN_PRICE_USD: '600000' }, 'MAX_PRICE_USD', /greater than MIN_PRICE_USD/],
    [{ BITCOIN_RPC_USER: 'alice' }, 'BITCOIN_RPC_USER', /set together/],
  ];
  it.each(cases)('%j -> %s', (env, setting, message) => {
    let err: unknown;
    try {
      buildSettings({ UTXORACLE_DATA_DIR: tmp(), ...env });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).setting).toBe(setting);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('masks secrets when a message shows a value', () => {
    expect(shown('BITCOIN_RPC_PASSWORD', 's3cret')).toBe('"***"');
    expect(shown('ALERT_WEBHOOK_SECRET', 's3cret')).toBe('"***"');
    expect(shown('MIN_PRICE_USD', 'abc')).toBe('"abc"');
    let msg = '';
    try {
      buildSettings({ UTXORACLE_DATA_DIR: tmp(), BITCOIN_RPC_PASSWORD: 's3cret' });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/set together/);
    expect(msg).not.toContain('s3cret');
  });
});
