// The operator documents' own settings, as an operator pastes them: the runbook's .env template and
// the whale guide's run (never refused), each key this suite does differently gets one line naming
// what to use instead, the guide's names map onto ours, a line without "=" is named, and our own
// names misspelt still stop the job.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSettings, loadSettingsWithNotices } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { fixturePath } from '../helpers/paths.js';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-env-'));

/**
 * The settings of `file`. The data directory is named (nothing is created): by default it is ./data of
 * the process, which under /tmp (CI's copy of the checkout) adds the notice about a fallback in /tmp.
 */
function load(file: string, env: Record<string, string> = {}) {
  return loadSettingsWithNotices(
    { UTXORACLE_DATA_DIR: '/srv/utxoracle-test', UTXORACLE_ENV_FILE: file, ...env },
    dir(),
  );
}

function withEnvFile(text: string): string {
  const d = dir();
  fs.writeFileSync(path.join(d, '.env'), text);
  return path.join(d, '.env');
}

describe('the runbook’s .env template', () => {
  it('runs: LOG_LEVEL=INFO is info, ANALYSIS_INTERVAL_MINUTES is read, the /tmp fallback gets a notice', () => {
    const file = fixturePath('runbook/runbook.env');
    const { settings, notices } = load(file);
    expect(settings.logLevel).toBe('info');
    expect(settings.analysisIntervalMinutes).toBe(10);
    expect(settings.duckdbBackupPath).toBe('/tmp/utxoracle_backup.duckdb');
    expect(settings.alertWebhookUrl).toBe('https://n8n.example.com/webhook/utxoracle-alerts');
    expect(notices).toEqual([
      'DUCKDB_BACKUP_PATH /tmp/utxoracle_backup.duckdb is under /tmp, which a reboot empties: rows saved there before they are merged would be lost; the default (<data>/fallback/utxoracle_fallback.db) is on the data disk',
    ]);
  });

  it.each([
    ['5 min', '5', 10, 60],
    ['15 min', '15', 30, 90],
    ['hourly', '60', 120, 360],
    ['6 h', '360', 720, 2160],
  ])(
    'the %s schedule (ANALYSIS_INTERVAL_MINUTES=%s): price age WARN %d min, CRIT %d min',
    (_n, minutes, warn, crit) => {
      const { settings } = load(fixturePath('runbook/runbook.env'), { ANALYSIS_INTERVAL_MINUTES: minutes });
      expect([settings.health.priceAgeWarnMin, settings.health.priceAgeCritMin]).toEqual([warn, crit]);
    },
  );
});

describe('the whale guide’s .env', () => {
  it('runs: its names map onto ours, its WebSocket path is corrected, each other key gets one line', () => {
    const file = fixturePath('runbook/whale-guide.env');
    const { settings, notices } = load(file);
    expect(settings).toMatchObject({
      whaleMemoryWarnMb: 400,
      whaleMemoryMaxMb: 500,
      whaleAccuracyWarn: 0.75,
      whaleAccuracyCrit: 0.7,
      alertCooldownSec: 3600,
      whaleThresholdBtc: 100,
      mempoolWsUrl: 'ws://localhost:8999/api/v1/ws',
    });
    const line = (n: number, key: string, advice: RegExp) =>
      expect(notices).toContainEqual(
        expect.stringMatching(new RegExp(`^${file} line ${n}: ${key} is not used by utxoracle-ops: ${advice.source}`)),
      );
    line(2, 'DB_PATH', /use WHALE_DB_PATH/);
    line(5, 'BROADCASTER_HOST', /there is no WebSocket broadcaster/);
    line(6, 'BROADCASTER_PORT', /there is no WebSocket broadcaster/);
    line(15, 'JWT_SECRET_KEY', /there is no WebSocket broadcaster to authenticate/);
    line(16, 'JWT_ALGORITHM', /there is no WebSocket broadcaster to authenticate/);
    line(28, 'WEBHOOK_URL', /use ALERT_WEBHOOK_URL \(and WHALE_WEBHOOK_URL/);
    line(29, 'WEBHOOK_ENABLED', /alerts are sent whenever ALERT_WEBHOOK_URL is set/);
    line(30, 'WEBHOOK_RETRY_MAX_ATTEMPTS', /each delivery is tried 3 times/);
    line(31, 'WEBHOOK_RETRY_DELAY_SECONDS', /each delivery is tried 3 times/);
    for (const k of ['SMTP_SERVER', 'SMTP_PORT', 'SMTP_USERNAME', 'SMTP_PASSWORD', 'ALERT_EMAIL_TO'])
      expect(notices.some((n) => n.includes(` ${k} is not used by utxoracle-ops: no e-mail is sent`))).toBe(true);
    expect(notices).toContainEqual(
      'MEMPOOL_WS_URL ws://localhost:8999/ws/track-mempool-tx: mempool serves its WebSocket at /api/v1/ws, not /ws/track-mempool-tx; using ws://localhost:8999/api/v1/ws',
    );
    expect(notices).toHaveLength(15);
    // Values never reach a notice (SMTP_PASSWORD, JWT_SECRET_KEY).
    expect(notices.join('\n')).not.toMatch(/your-app-password|your-secret-key/);
  });

  it('our own name wins over the guide’s when both are set; the guide’s WEBHOOK_SECRET gets a line', () => {
    const file = withEnvFile('MEMORY_THRESHOLD_MB=300\nWHALE_MEMORY_WARN_MB=350\nWEBHOOK_SECRET=hunter2\n');
    const { settings, notices } = load(file);
    expect(settings.whaleMemoryWarnMb).toBe(350);
    expect(notices).toEqual([
      `${file} line 3: WEBHOOK_SECRET is not used by utxoracle-ops: use ALERT_WEBHOOK_SECRET (WHALE_WEBHOOK_SECRET for the whale webhook)`,
    ]);
  });
});

describe('what still stops a job (exit 2)', () => {
  const refusal = (text: string): ConfigError => {
    try {
      load(withEnvFile(text));
    } catch (e) {
      return e as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('a line without "=" whose first word is a setting names it (not its value)', () => {
    const e = refusal('MAX_PRICE_USD=500000\nMIN_PRICE_USD 200000\n');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/\.env line 2: MIN_PRICE_USD has no "=": write it as MIN_PRICE_USD=<value>$/);
    expect(e.setting).toBe('MIN_PRICE_USD');
    expect(refusal('BITCOIN_RPC_PASSWORD hunter2\n').message).not.toContain('hunter2');
    expect(refusal('just some words\n').message).toMatch(/line 1: not a KEY=value line$/);
  });

  it.each([
    ['ALERT_COOLDOWN_SECOND=60', /unknown setting ALERT_COOLDOWN_SECOND; did you mean ALERT_COOLDOWN_SECONDS\?/],
    ['ANALYSIS_INTERVAL_MINUTE=10', /did you mean ANALYSIS_INTERVAL_MINUTES\?/],
    ['LOG_LEVEL=LOUD', /LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "LOUD"/],
  ])('%s', (line, message) => {
    const e = refusal(`${line}\n`);
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(message);
  });
});

describe('every effective setting and where it came from (health-check --config)', () => {
  it('environment over .env over the default, secrets masked, the guide’s names only when used', () => {
    const file = withEnvFile('MIN_PRICE_USD=20000\nALERT_WEBHOOK_SECRET=s3cret\nMEMORY_MAX_MB=450\n');
    const env = { UTXORACLE_ENV_FILE: file, BITCOIN_NETWORK: 'signet', LOG_LEVEL: 'WARN' };
    const loaded = loadSettingsWithNotices(env, dir());
    const all = describeSettings(loaded, env);
    const of = (name: string) => all.find((s) => s.name === name);
    expect(of('MIN_PRICE_USD')).toEqual({ name: 'MIN_PRICE_USD', value: '20000', source: '.env' });
    expect(of('LOG_LEVEL')).toEqual({ name: 'LOG_LEVEL', value: 'WARN', source: 'environment' });
    expect(of('ALERT_WEBHOOK_SECRET')).toEqual({ name: 'ALERT_WEBHOOK_SECRET', value: '***', source: '.env' });
    // A default that follows another setting: signet's RPC port.
    expect(of('BITCOIN_RPC_URL')).toEqual({
      name: 'BITCOIN_RPC_URL',
      value: 'http://127.0.0.1:38332',
      source: 'default',
    });
    expect(of('MEMORY_MAX_MB')).toEqual({ name: 'MEMORY_MAX_MB', value: '450', source: '.env' });
    expect(of('WHALE_MEMORY_MAX_MB')).toEqual({
      name: 'WHALE_MEMORY_MAX_MB',
      value: '450',
      source: '.env',
      via: 'MEMORY_MAX_MB',
    });
    expect(of('MEMORY_THRESHOLD_MB')).toBeUndefined();
    expect(of('WHALE_WEBHOOK_URL')).toEqual({ name: 'WHALE_WEBHOOK_URL', value: '', source: 'default' });
  });
});
