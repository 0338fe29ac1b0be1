import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { parseCrontab } from './crontab.js';

// Runs each crontab.example line the way cron does ($SHELL -c with the crontab's variables as the
// environment) against stub executables, so the cd, the redirections and flock are exercised for real.

const hasFlock = spawnSync('sh', ['-c', 'command -v flock'], { encoding: 'utf8' }).status === 0;
if (!hasFlock) console.warn('[test/ops] flock (util-linux) not installed: skipping the crontab run test');

const { vars, jobs } = parseCrontab(fs.readFileSync(path.join(REPO_ROOT, 'crontab.example'), 'utf8'));
let tmp: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'utxo-cron-'));
  const home = path.join(tmp, 'home');
  fs.mkdirSync(path.join(home, 'bin'), { recursive: true });
  for (const j of jobs) {
    // A stub that shows its arguments and its working directory on stdout and writes to stderr.
    fs.writeFileSync(
      path.join(home, 'bin', `${j.job}.js`),
      '#!/bin/sh\necho "ran $(basename "$0") $* in $PWD"\necho "stderr line" >&2\n',
      {
        mode: 0o755,
      },
    );
  }
  fs.mkdirSync(path.join(tmp, 'data', 'locks'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'logs'));
  env = {
    ...Object.fromEntries(vars),
    PATH: `${vars.get('PATH')}:${process.env.PATH}`,
    UTXORACLE_HOME: home,
    UTXORACLE_DATA_DIR: path.join(tmp, 'data'),
    LOG_DIR: path.join(tmp, 'logs'),
  };
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = (command: string) => spawnSync(vars.get('SHELL')!, ['-c', command], { env, encoding: 'utf8' });

describe.skipIf(!hasFlock)('crontab.example lines run as cron would run them', () => {
  it.each(jobs.map((j) => [j.job, j] as const))('%s appends stdout and stderr to its log, twice', (job, j) => {
    for (let i = 0; i < 2; i++) expect(run(j.command).status).toBe(0);
    const log = fs.readFileSync(path.join(env.LOG_DIR!, `${job}.log`), 'utf8');
    const runLine = `ran ${job}.js ${j.args.join(' ')} in ${env.UTXORACLE_HOME}`;
    expect(log).toBe(`${runLine}\nstderr line\n${runLine}\nstderr line\n`);
  });

  it('whale-watch is a no-op while the running one holds the flock, and starts once it is gone', async () => {
    const ww = jobs.find((j) => j.job === 'whale-watch')!;
    const lockFile = ww.flock!.replace(/\$\{?UTXORACLE_DATA_DIR\}?/, env.UTXORACLE_DATA_DIR!);
    const logFile = path.join(env.LOG_DIR!, 'whale-watch.log');
    fs.rmSync(logFile, { force: true });
    const holder = spawn('flock', [lockFile, 'sleep', '5'], { stdio: 'ignore' });
    try {
      // Wait until the holder really has the lock (flock -n fails while it does).
      for (let i = 0; i < 50 && spawnSync('flock', ['-n', lockFile, 'true']).status === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      const r = run(ww.command);
      expect(r.status).toBe(1);
      expect(fs.readFileSync(logFile, 'utf8')).toBe(''); // the stub never ran
    } finally {
      holder.kill();
    }
    await new Promise((r) => holder.once('exit', r));
    // flock handed its lock to `sleep`, which outlives the killed flock: wait for it to let go.
    for (let i = 0; i < 200 && spawnSync('flock', ['-n', lockFile, 'true']).status !== 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(run(ww.command).status).toBe(0);
    expect(fs.readFileSync(logFile, 'utf8')).toContain('ran whale-watch.js --json');
  });

  it('a missing LOG_DIR is reported by the shell, not silently ignored', () => {
    const r = spawnSync(vars.get('SHELL')!, ['-c', jobs[0]!.command], {
      env: { ...env, LOG_DIR: path.join(tmp, 'nope') },
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/No such file or directory/);
  });
});

it('the shell in crontab.example exists here', () => {
  expect(() => execFileSync(vars.get('SHELL')!, ['-c', 'true'])).not.toThrow();
});
