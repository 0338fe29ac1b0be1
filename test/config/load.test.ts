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

describe('loadSettings reads .env strictly', () => {
  const withEnv = (text: string) => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'load-'));
    fs.writeFileSync(path.join(cwd, '.env'), text);
    return cwd;
  };

  it('a malformed line is exit 2 naming the file and the line', () => {
    const cwd = withEnv('MIN_PRICE_USD=20000\nthis line is junk\n');
    expect(() => loadSettings({}, cwd)).toThrow(`${cwd}/.env line 2: not a KEY=value line`);
  });

  it('a misspelt setting is exit 2 with "did you mean"', () => {
    const cwd = withEnv('# thresholds\nUTXORACLE_CONFIDENCE_TRESHOLD=0.5\n');
    expect(() => loadSettings({}, cwd)).toThrow(
      `${cwd}/.env line 2: unknown setting UTXORACLE_CONFIDENCE_TRESHOLD; did you mean UTXORACLE_CONFIDENCE_THRESHOLD?`,
    );
  });

  it("another program's keys in a shared .env are left alone", () => {
    const cwd = withEnv(`COMPOSE_PROJECT_NAME=node\nPGPASSWORD=x\nUTXORACLE_DATA_DIR=${'/tmp'}/d\n`);
    expect(loadSettings({}, cwd).dataDir).toBe('/tmp/d');
  });

  it('the environment itself is not held to the rule (it is shared by everything)', () => {
    const cwd = withEnv('');
    expect(loadSettings({ UTXORACLE_CONFIDENCE_TRESHOLD: '0.5' }, cwd).confidenceThreshold).toBe(0.3);
  });

  it('an unreadable .env is exit 2 naming it', () => {
    const cwd = withEnv('');
    fs.rmSync(path.join(cwd, '.env'));
    fs.mkdirSync(path.join(cwd, '.env')); // a directory: EISDIR, as unreadable as a file without permission
    expect(() => loadSettings({}, cwd)).toThrow(`cannot read ${cwd}/.env (EISDIR)`);
  });
});
