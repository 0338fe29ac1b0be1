import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../src/config/dataDir.js';
import { ConfigError } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/paths.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'datadir-'));

async function errorOf(dir: string): Promise<ConfigError> {
  const err = await prepareDataDir(dir, 'UTXORACLE_DATA_DIR').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('prepareDataDir', () => {
  it('creates the missing components, mode 0750, and is idempotent', async () => {
    const dir = path.join(tmp(), 'a', 'b', 'data');
    await prepareDataDir(dir, 'UTXORACLE_DATA_DIR');
    await prepareDataDir(dir, 'UTXORACLE_DATA_DIR');
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o750 & ~process.umask());
  });

  it.each([
    [
      'a file in the way',
      (base: string) => (fs.writeFileSync(path.join(base, 'f'), 'x'), path.join(base, 'f', 'sub')),
      /f is not a directory/,
    ],
    ['a path inside /proc', () => '/proc/utxoracle-test/data', /\/proc is on proc, a kernel pseudo-filesystem/],
    ['a path inside /sys', () => '/sys/utxoracle-test/data', /\/sys is on sysfs, a kernel pseudo-filesystem/],
  ])('refuses %s with exit 2, naming the setting and the directory', async (_name, make, why) => {
    const dir = make(tmp());
    const err = await errorOf(dir);
    expect(err.exitCode).toBe(2);
    expect(err.setting).toBe('UTXORACLE_DATA_DIR');
    expect(err.message).toContain(`UTXORACLE_DATA_DIR ${JSON.stringify(dir)} cannot be created or written`);
    expect(err.message).toMatch(why);
  });

  it('gives up when aborted, without waiting for the filesystem', async () => {
    const abort = new AbortController();
    abort.abort(new Error('interrupted by SIGTERM'));
    await expect(prepareDataDir(path.join(tmp(), 'x'), 'UTXORACLE_DATA_DIR', { signal: abort.signal })).rejects.toThrow(
      'interrupted by SIGTERM',
    );
  });
});

describe('a job whose data directory is under /proc', () => {
  // Before: mkdirSync(recursive) looped forever at 100% CPU and ignored SIGTERM. The timeout here is
  // the test's own guard; the job must answer exit 2 at once.
  it('exits 2 with one line naming the setting, in every job', async () => {
    for (const job of ['analyze', 'init-db', 'backup']) {
      const r = await execa(process.execPath, [path.join(REPO_ROOT, 'bin', `${job}.js`)], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: os.tmpdir(),
          UTXORACLE_DATA_DIR: '/proc/utxoracle/data',
          LOG_LEVEL: 'silent',
        },
        extendEnv: false,
        reject: false,
        timeout: 20_000,
        cwd: tmp(),
      });
      expect(r.timedOut, job).toBe(false);
      expect(r.exitCode, job).toBe(2);
      expect(r.stderr.trim().split('\n'), job).toEqual([
        `${job}: UTXORACLE_DATA_DIR "/proc/utxoracle/data" cannot be created or written: /proc is on proc, a kernel pseudo-filesystem`,
      ]);
    }
  });
});
