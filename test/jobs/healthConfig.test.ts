import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/bins.js';
import { REPO_ROOT } from '../helpers/paths.js';

// health-check --config: every effective setting, one line each, and where it came from — the
// environment, .env (under another document's name when it was read as one), or the default —
// secrets masked, webhook URLs shown by their origin.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const envFile = path.join(dir, '.env');
fs.writeFileSync(
  envFile,
  [
    'ANALYSIS_INTERVAL_MINUTES=15',
    'BITCOIN_RPC_USER=op',
    'BITCOIN_RPC_PASSWORD=hunter2-S3cr3t',
    'MEMORY_THRESHOLD_MB=350',
    'ALERT_WEBHOOK_URL=https://hooks.slack.com/services/T000/B000/sekrit-token',
    'ALERT_WEBHOOK_SECRET=whsec-s3cr3t',
    '',
  ].join('\n'),
);
const env = { UTXORACLE_DATA_DIR: dir, UTXORACLE_ENV_FILE: envFile, MIN_PRICE_USD: '20000', LOG_LEVEL: 'error' };

describe('health-check --config', () => {
  it('prints NAME=value  (source) for every setting, secrets masked', async () => {
    const r = await runBin('health-check', ['--config'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const line = (name: string) => lines.find((l) => l.startsWith(`${name}=`))!.replace(/\s+/g, ' ');
    expect(line('ANALYSIS_INTERVAL_MINUTES')).toBe('ANALYSIS_INTERVAL_MINUTES=15 (.env)');
    expect(line('MIN_PRICE_USD')).toBe('MIN_PRICE_USD=20000 (environment)');
    expect(line('MAX_PRICE_USD')).toBe('MAX_PRICE_USD=500000 (default)');
    expect(line('WHALE_MEMORY_WARN_MB')).toBe('WHALE_MEMORY_WARN_MB=350 (.env, as MEMORY_THRESHOLD_MB)');
    expect(line('BITCOIN_RPC_PASSWORD')).toBe('BITCOIN_RPC_PASSWORD=*** (.env)');
    expect(line('ALERT_WEBHOOK_SECRET')).toBe('ALERT_WEBHOOK_SECRET=*** (.env)');
    expect(line('ALERT_WEBHOOK_URL')).toBe('ALERT_WEBHOOK_URL=https://hooks.slack.com/*** (.env)');
    expect(r.stdout + r.stderr).not.toMatch(/hunter2|whsec-s3cr3t|sekrit/);
    // Every line has the same shape, and every setting of .env.example is there.
    for (const l of lines) expect(l).toMatch(/^[A-Z][A-Z0-9_]*=\S*\s+\((environment|\.env|default)(, as [A-Z_]+)?\)$/);
    const example = fs.readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8');
    for (const m of example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm))
      expect(
        lines.some((l) => l.startsWith(`${m[1]}=`)),
        m[1],
      ).toBe(true);
  });

  it('--json: objects {name, value, source}', async () => {
    const r = await runBin('health-check', ['--config', '--json'], env);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout) as { settings: { name: string; value: string; source: string; via?: string }[] };
    expect(doc.settings.find((s) => s.name === 'WHALE_MEMORY_WARN_MB')).toEqual({
      name: 'WHALE_MEMORY_WARN_MB',
      value: '350',
      source: '.env',
      via: 'MEMORY_THRESHOLD_MB',
    });
    expect(doc.settings.find((s) => s.name === 'BITCOIN_RPC_PASSWORD')).toEqual({
      name: 'BITCOIN_RPC_PASSWORD',
      value: '***',
      source: '.env',
    });
  });
});
