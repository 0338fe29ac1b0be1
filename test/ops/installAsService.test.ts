// The README's setup for real: as root, install a fresh copy of the project under a strict umask
// (`scripts/install.sh --home … --data-dir … --user <service user>`, npm ci included), then run the
// jobs as that service user. Before, `umask 027` around npm ci left node_modules 0750 root and every
// job of the service user died in a stack trace. Needs root (to create the user); skipped otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';

const isRoot = process.getuid?.() === 0;
const hasTools = ['useradd', 'userdel', 'runuser'].every(
  (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0,
);
const canRun = isRoot && hasTools;
if (!canRun) console.warn('[test/ops] not root, or no useradd/runuser: skipping the install-as-a-service-user test');

const SLOW = 600_000; // a real npm ci and build
const user = `utxosvc${randomBytes(3).toString('hex')}`;
let top: string;
let home: string;
let data: string;

/** Runs a command as the service user (a login-free, unprivileged account). */
function asUser(cmd: string[], env: Record<string, string> = {}) {
  return spawnSync(
    'runuser',
    ['-u', user, '--', 'env', `PATH=${process.env.PATH}`, ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...cmd],
    {
      cwd: home,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
}

describe.skipIf(!canRun)('install.sh as root for a service user, then the jobs as that user', () => {
  beforeAll(() => {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    top = fs.mkdtempSync(path.join(os.tmpdir(), 'svc-install-'));
    fs.chmodSync(top, 0o755); // the service user must reach /opt/... as on a real machine
    home = path.join(top, 'opt', 'utxoracle-ops');
    data = path.join(top, 'var', 'lib', 'utxoracle');
    fs.mkdirSync(path.dirname(data), { recursive: true, mode: 0o755 });
    fs.mkdirSync(path.dirname(home), { mode: 0o755 }); // /opt, as the system has it
    // A stranger's clone: the tracked files only (no node_modules, no dist), written under umask 077.
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    const old = process.umask(0o077);
    try {
      for (const f of files) {
        const to = path.join(home, f);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.copyFileSync(path.join(REPO_ROOT, f), to);
        if (fs.statSync(path.join(REPO_ROOT, f)).mode & 0o100) fs.chmodSync(to, 0o700);
      }
    } finally {
      process.umask(old);
    }
  }, SLOW);

  afterAll(() => {
    if (!canRun) return;
    spawnSync('userdel', [user]);
    fs.rmSync(top, { recursive: true, force: true });
  });

  it(
    'installs (npm ci under a strict umask) a tree the service user can read and only its owner can write',
    () => {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `umask 077 && exec bash "${home}/scripts/install.sh" --home "${home}" --data-dir "${data}" --user ${user}`,
        ],
        {
          encoding: 'utf8',
          timeout: SLOW,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', npm_config_prefer_offline: 'true' },
        },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`# Add these lines with 'crontab -e -u ${user}':`);
      // Each database named once (the report, not the report and its log lines).
      expect(r.stderr.split(`Database initialized: ${data}/utxoracle_cache.db`).length - 1).toBe(1);
      // Readable by all, writable by the owner only, all the way down (symlinks have no mode of their own).
      const bad = spawnSync(
        'find',
        [
          home,
          '-path',
          `${home}/.env`,
          '-prune',
          '-o',
          '!',
          '-type',
          'l',
          '(',
          '-perm',
          '/022',
          '-o',
          '!',
          '-perm',
          '-004',
          ')',
          '-print',
        ],
        {
          encoding: 'utf8',
        },
      ).stdout.trim();
      expect(bad).toBe('');
      expect((fs.statSync(path.join(home, '.env')).mode & 0o777).toString(8)).toBe('640');
      for (const d of [
        '',
        'logs',
        'backups',
        'archives',
        'locks',
        'fallback',
        'utxoracle_cache.db',
        'mempool_predictions.db',
      ]) {
        expect(fs.statSync(path.join(data, d)).uid, d).toBe(
          Number(execFileSync('id', ['-u', user], { encoding: 'utf8' })),
        );
      }
    },
    SLOW,
  );

  it(
    'every job runs as the service user: versions, the schema check, a backup it writes itself',
    () => {
      for (const job of ['analyze', 'init-db', 'health-check', 'archive', 'backup', 'whale-watch']) {
        const v = asUser(['node', `${home}/bin/${job}.js`, '--version']);
        expect(v.status, `${job}: ${v.stderr}`).toBe(0);
        expect(v.stderr).toBe('');
      }
      const env = { UTXORACLE_DATA_DIR: data, LOG_LEVEL: 'warn' };
      const check = asUser(['node', `${home}/bin/init-db.js`, '--check'], env);
      expect(check.status, check.stderr).toBe(0);
      expect(check.stdout).toContain(`Schema OK: ${data}/utxoracle_cache.db`);
      const backup = asUser(['node', `${home}/bin/backup.js`, '--json'], env);
      expect(backup.status, backup.stderr).toBe(0);
      expect(
        fs.readdirSync(path.join(data, 'backups')).some((f) => /^utxoracle_cache_\d{4}-\d\d-\d\d\.db$/.test(f)),
      ).toBe(true);
    },
    SLOW,
  );
});
