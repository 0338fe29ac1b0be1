import { describe, expect, it } from 'vitest';
import { checkUnknownKeys, closestName, editDistance } from '../../src/config/knownNames.js';
import { settingNames } from '../../src/config/settings.js';
import { ConfigError } from '../../src/errors.js';

const FILE = '/opt/utxoracle-ops/.env';
const known = settingNames();

function check(name: string): string | undefined {
  try {
    checkUnknownKeys([{ name, line: 7 }], known, FILE);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    return (e as Error).message;
  }
}

describe('unknown keys in .env', () => {
  it('edit distance', () => {
    expect(editDistance('TRESHOLD', 'THRESHOLD')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('abcdefgh', 'x', 2)).toBe(3); // gave up past the limit
  });

  it.each([
    ['UTXORACLE_CONFIDENCE_TRESHOLD', 'UTXORACLE_CONFIDENCE_THRESHOLD'],
    ['WHALE_TRESHOLD_BTC', 'WHALE_THRESHOLD_BTC'],
    ['BITCOIN_RPC_PASWORD', 'BITCOIN_RPC_PASSWORD'],
    ['MIN_PRICE_USDT', 'MIN_PRICE_USD'],
    ['log_level', 'LOG_LEVEL'],
    ['ELECTRS_URL', undefined], // ours by prefix, too far from ELECTRS_API_URL to guess
  ])('%s is refused (did you mean %s)', (name, suggestion) => {
    const msg = check(name);
    if (suggestion) expect(msg).toBe(`${FILE} line 7: unknown setting ${name}; did you mean ${suggestion}?`);
    else expect(msg).toBe(`${FILE} line 7: unknown setting ${name} (not a utxoracle-ops setting; see .env.example)`);
    if (suggestion) expect(closestName(name, known)).toBe(suggestion);
  });

  it.each(['UTXORACLE_FOO', 'MEMPOOL_SECRET_SAUCE', 'HEALTH_ANYTHING'])(
    '%s (one of our prefixes) is refused',
    (name) => {
      expect(check(name)).toMatch(new RegExp(`unknown setting ${name}`));
    },
  );

  it.each(['PGPASSWORD', 'COMPOSE_PROJECT_NAME', 'NODE_OPTIONS', 'TZ', 'HOME', 'RPC_THREADS'])(
    "%s is someone else's and left alone",
    (name) => expect(check(name)).toBeUndefined(),
  );

  it('an environment-only switch in .env says where it belongs', () => {
    expect(check('UTXORACLE_NATIVE_HASH')).toBe(
      `${FILE} line 7: UTXORACLE_NATIVE_HASH is an environment variable, not a setting: it is read at install and at start; set it in the crontab or the shell`,
    );
  });

  it('every setting is known', () => {
    for (const name of ['UTXORACLE_DATA_DIR', 'BITCOIN_RPC_URL', 'HEALTH_DISK_CRIT_PCT', 'LOG_FORMAT'])
      expect(check(name)).toBeUndefined();
  });
});
