import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactCredentials, shown } from '../../src/config/redact.js';
import { buildSettings } from '../../src/config/settings.js';
import { ConfigError } from '../../src/errors.js';
import { runBin } from '../helpers/bins.js';

const SECRET = 'hunter2-S3cr3t';
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'redact-'));

describe('redactCredentials', () => {
  it.each([
    ['http://user:pw@host:8332', 'http://***@host:8332'],
    ['htp://user:pw@host', 'htp://***@host'],
    ['http://hook:pw@host:9x9/hook', 'http://***@host:9x9/hook'],
    ['user:pw@host:8332', '***@host:8332'],
    ['http://u:pw/with/slashes@host', 'http://***@host'],
    ['http://u:p@w@host', 'http://***@host'],
    ['ws://:pw@host/api/v1/ws', 'ws://***@host/api/v1/ws'],
    ['http://127.0.0.1:8332', 'http://127.0.0.1:8332'],
    ['not a url', 'not a url'],
  ])('%s -> %s', (value, expected) => expect(redactCredentials(value)).toBe(expected));

  it('secret settings are masked whole', () => {
    expect(shown('BITCOIN_RPC_PASSWORD', SECRET)).toBe('"***"');
    expect(shown('ALERT_WEBHOOK_SECRET', SECRET)).toBe('"***"');
  });
});

// Every setting that can hold a secret, with values that are malformed in every way we could think of:
// the message must name the setting and never carry the secret, whatever check the value fails.
const URL_SETTINGS = ['BITCOIN_RPC_URL', 'ALERT_WEBHOOK_URL', 'ELECTRS_API_URL', 'MEMPOOL_API_URL', 'MEMPOOL_WS_URL'];
const MALFORMED_URLS = [
  `htp://user:${SECRET}@host`,
  `http://hook:${SECRET}@host:9x9/hook`,
  `http://user:${SECRET}@host:8332`,
  `ws://user:${SECRET}@host/api/v1/ws`,
  `user:${SECRET}@host:8332`,
  `http://us er:${SECRET}@host`,
  `http://user:${SECRET.slice(0, 4)}/${SECRET.slice(4)}@host`,
  `http://user:${SECRET}@`,
  `://user:${SECRET}@host`,
  `http://[user:${SECRET}@host`,
];

/** Malformed-looking values that the settings accept (URL parsing is lenient there); none may be more. */
const VALID_AFTER_ALL: [string, string][] = [
  // A webhook secret on its own is a valid setting (the secret of a webhook that may come later).
  ['ALERT_WEBHOOK_SECRET', SECRET],
];

describe('a malformed setting never shows a secret', () => {
  const cases: [string, string][] = [
    ...URL_SETTINGS.flatMap((name) => MALFORMED_URLS.map((v): [string, string] => [name, v])),
    ['BITCOIN_RPC_PASSWORD', SECRET], // without a user: "must be set together"
    ['ALERT_WEBHOOK_SECRET', SECRET],
  ];
  it.each(cases)('%s=%s', (name, value) => {
    let err: unknown;
    try {
      buildSettings({ UTXORACLE_DATA_DIR: tmp(), [name]: value });
    } catch (e) {
      err = e;
    }
    if (err === undefined) {
      // A value that is valid after all holds no message to leak; these are the few that are.
      expect(VALID_AFTER_ALL).toContainEqual([name, value]);
      return;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain(SECRET);
    expect((err as Error).message).not.toContain(SECRET.slice(4));
  });
});

describe('through the executable: the exit-2 line and the log', () => {
  it.each([
    ['BITCOIN_RPC_URL', `htp://user:${SECRET}@host`],
    ['ALERT_WEBHOOK_URL', `http://hook:${SECRET}@host:9x9/hook`],
    ['MEMPOOL_WS_URL', `wss://u:${SECRET}@host:x/ws`],
  ])('%s=%s', async (name, value) => {
    const dir = tmp();
    for (const where of ['environment', '.env'] as const) {
      const env: Record<string, string> = { UTXORACLE_DATA_DIR: dir, LOG_LEVEL: 'debug' };
      if (where === 'environment') env[name] = value;
      else fs.writeFileSync(path.join(dir, '.env'), `${name}=${value}\n`);
      const r = await runBin('analyze', ['--json'], env, { cwd: dir });
      fs.rmSync(path.join(dir, '.env'), { force: true });
      expect(r.exitCode, where).toBe(2);
      expect(r.stdout + r.stderr, where).toContain(name);
      expect(r.stdout + r.stderr, where).not.toContain(SECRET);
    }
  });
});
