import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load.js';

describe('loadSettings precedence: environment > .env > defaults', () => {
  it('reads .env, lets the environment win, and leaves process.env alone', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'load-'));
    fs.writeFileSync(
      path.join(cwd, '.env'),
      `UTXORACLE_DATA_DIR=${cwd}/d\nMIN_PRICE_USD=20000\nMAX_PRICE_USD=300000\n# comment\n`,
    );
    const s = loadSettings({ MAX_PRICE_USD: '400000' }, cwd);
    expect(s.dataDir).toBe(`${cwd}/d`);
    expect(s.minPriceUsd).toBe(20_000);
    expect(s.maxPriceUsd).toBe(400_000);
    expect(s.whaleThresholdBtc).toBe(100);
    expect(process.env.MIN_PRICE_USD).toBeUndefined();
  });

  it('UTXORACLE_ENV_FILE names another file, and a missing one is a config error', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'load-'));
    fs.writeFileSync(path.join(cwd, 'prod.env'), `UTXORACLE_DATA_DIR=${cwd}/p\nWHALE_THRESHOLD_BTC=250\n`);
    expect(loadSettings({ UTXORACLE_ENV_FILE: 'prod.env' }, cwd).whaleThresholdBtc).toBe(250);
    expect(() => loadSettings({ UTXORACLE_ENV_FILE: 'nope.env' }, cwd)).toThrow(/UTXORACLE_ENV_FILE .* does not exist/);
  });

  it('a bad value in .env names the setting', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'load-'));
    fs.writeFileSync(path.join(cwd, '.env'), `UTXORACLE_DATA_DIR=${cwd}/d\nWHALE_THRESHOLD_BTC=lots\n`);
    expect(() => loadSettings({}, cwd)).toThrow('WHALE_THRESHOLD_BTC must be a number, got "lots"');
  });
});
