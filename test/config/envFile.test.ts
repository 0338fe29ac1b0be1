import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/config/envFile.js';
import { ConfigError } from '../../src/errors.js';

const FILE = '/etc/utxoracle/.env';

describe('parseEnvFile: what dotenv accepts, read the same', () => {
  it.each([
    ['KEY=value', { KEY: 'value' }],
    ['  KEY = spaced  ', { KEY: 'spaced' }],
    ['export KEY=exported', { KEY: 'exported' }],
    ['KEY: colon', { KEY: 'colon' }],
    ['KEY=', { KEY: '' }],
    ['KEY=value # a comment', { KEY: 'value' }],
    ['KEY="a # not a comment"', { KEY: 'a # not a comment' }],
    ["KEY='single'", { KEY: 'single' }],
    ['KEY="line1\nline2"', { KEY: 'line1\nline2' }],
    ['KEY="a\\nb"', { KEY: 'a\nb' }],
    ['KEY=`back`', { KEY: 'back' }],
    ['# only a comment\n\n   \nA=1\r\nB=2\r\n', { A: '1', B: '2' }],
    ['dotted.key-name=x', { 'dotted.key-name': 'x' }],
  ])('%j', (text, values) => {
    expect(parseEnvFile(text, FILE).values).toEqual(values);
  });

  it('remembers the line of each key (for the unknown-key check)', () => {
    expect(parseEnvFile('# c\nA=1\nB="x\ny"\nC=3\n', FILE).keys).toEqual([
      { name: 'A', line: 2 },
      { name: 'B', line: 3 },
      { name: 'C', line: 5 },
    ]);
  });
});

describe('parseEnvFile: a line dotenv would skip is an error naming the file and the line', () => {
  it.each([
    ['a line without =', 'A=1\nUTXORACLE_CONFIDENCE_THRESHOLD 0.5\n', 2],
    ['a junk line', 'A=1\nB=2\nhunter2-s3cret-pasted-here\n', 3],
    ['a key with a space in it', 'MY KEY=1\n', 1],
    ['a bare export', 'export\n', 1],
    ['an = with no key', '=value\n', 1],
  ])('%s', (_name, text, line) => {
    let err: unknown;
    try {
      parseEnvFile(text, FILE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as Error).message).toBe(`${FILE} line ${line}: not a KEY=value line`);
  });

  it('an unclosed quote names the key, not the value', () => {
    expect(() => parseEnvFile('A=1\nBITCOIN_RPC_PASSWORD="hunter2\n', FILE)).toThrow(
      `${FILE} line 2: BITCOIN_RPC_PASSWORD's value opens a " quote it never closes`,
    );
  });

  it('never quotes the line: a malformed line may be a bare secret', () => {
    try {
      parseEnvFile('BITCOIN_RPC_PASSWORD hunter2secret\n', FILE);
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2secret');
    }
    expect.assertions(1);
  });
});

describe('parseEnvFile: what editors leave behind', () => {
  it('a UTF-8 byte-order mark before the first key is not part of it', () => {
    expect(parseEnvFile('\uFEFFMIN_PRICE_USD=20000\r\n', FILE)).toEqual({
      values: { MIN_PRICE_USD: '20000' },
      keys: [{ name: 'MIN_PRICE_USD', line: 1 }],
    });
  });
});
