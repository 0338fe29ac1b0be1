import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { parseCrontab, validateCrontab } from './crontab.js';

// scripts/install.sh against a throwaway checkout: symlinks to this repo's bin/, dist/ and
// node_modules/, its own .env.example, and a temp data directory. No network, no npm ci.

const INSTALL = path.join(REPO_ROOT, 'scripts', 'install.sh');
const SLOW = 180_000; // init-db opens three DuckDB files; CI machines can be busy
let tmp: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'src', 'cli', 'initDb.js'))) {
    // The build emits even when someone's work in progress has type errors; init-db is what we need.
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'utxo-install-'));
}, SLOW);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A checkout to install into; `links` are the repo entries it shares. */
function checkout(
  name: string,
  links = ['bin', 'dist', 'node_modules', 'package.json', 'crontab.example', 'logrotate'],
): string {
  const home = path.join(tmp, name);
  fs.mkdirSync(home);
  for (const l of links) fs.symlinkSync(path.join(REPO_ROOT, l), path.join(home, l));
  const example = path.join(REPO_ROOT, '.env.example');
  // The lead owns the real template; without it, a stand-in of the same shape.
  fs.writeFileSync(
    path.join(home, '.env.example'),
    fs.existsSync(example) ? fs.readFileSync(example) : '# Settings\nLOG_LEVEL=info\n',
  );
  return home;
}

function install(args: string[], env: NodeJS.ProcessEnv = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(UTXORACLE_|LOG_DIR|BACKUP_DIR|ARCHIVE_DIR|DUCKDB_)/.test(k)),
  );
  return spawnSync('bash', [INSTALL, ...args], {
    env: { ...base, UTXORACLE_SKIP_NPM_CI: '1', ...env },
    encoding: 'utf8',
  });
}

const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

describe('scripts/install.sh', () => {
  it(
    'installs: directories 0750, .env from the template, databases, crontab lines',
    () => {
      const home = checkout('fresh');
      const data = path.join(tmp, 'fresh-data');
      const r = install(['--home', home, '--data-dir', data]);
      expect(r.status, r.stderr).toBe(0);
      for (const d of ['', 'logs', 'backups', 'archives', 'locks', 'fallback'])
        expect(mode(path.join(data, d)), d).toBe('750');
      expect(fs.readFileSync(path.join(home, '.env'), 'utf8')).toBe(
        fs.readFileSync(path.join(home, '.env.example'), 'utf8'),
      );
      expect(mode(path.join(home, '.env'))).toBe('600');
      for (const db of ['utxoracle_cache.db', 'fallback/utxoracle_fallback.db', 'mempool_predictions.db']) {
        expect(fs.existsSync(path.join(data, db)), db).toBe(true);
      }
      // stdout is the crontab to paste: the runbook's, with this install's paths.
      expect(validateCrontab(r.stdout)).toEqual([]);
      const { vars } = parseCrontab(r.stdout);
      expect(vars.get('UTXORACLE_HOME')).toBe(home);
      expect(vars.get('UTXORACLE_DATA_DIR')).toBe(data);
      expect(vars.get('LOG_DIR')).toBe(path.join(data, 'logs'));
      expect(vars.get('PATH')!.split(':')).toContain(path.dirname(process.execPath));
      expect(r.stderr).toContain(`add UTXORACLE_DATA_DIR=${data} to ${home}/.env`);
    },
    SLOW,
  );

  it(
    're-runs without touching an existing .env, and honours LOG_DIR from the environment',
    () => {
      const home = checkout('rerun');
      const data = path.join(tmp, 'rerun-data');
      const logs = path.join(tmp, 'elsewhere', 'logs');
      fs.writeFileSync(path.join(home, '.env'), `UTXORACLE_DATA_DIR=${data}\n`, { mode: 0o640 });
      for (let i = 0; i < 2; i++) {
        const r = install(['--home', home], { LOG_DIR: logs });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toContain('.env exists; left as it is');
        expect(parseCrontab(r.stdout).vars.get('LOG_DIR')).toBe(logs);
        if (i === 1) expect(r.stderr).toMatch(/schema version \d+ already current/);
      }
      expect(fs.readFileSync(path.join(home, '.env'), 'utf8')).toBe(`UTXORACLE_DATA_DIR=${data}\n`);
      expect(mode(path.join(home, '.env'))).toBe('640');
      expect(mode(logs)).toBe('750');
      expect(fs.existsSync(path.join(data, 'utxoracle_cache.db'))).toBe(true);
    },
    SLOW,
  );

  it(
    'warns about a group-writable existing directory instead of changing it',
    () => {
      const home = checkout('loose');
      const data = path.join(tmp, 'loose-data');
      fs.mkdirSync(path.join(data, 'logs'), { recursive: true });
      fs.chmodSync(path.join(data, 'logs'), 0o775);
      const r = install(['--home', home, '--data-dir', data]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`${path.join(data, 'logs')} is group- or world-writable (mode 775)`);
      expect(mode(path.join(data, 'logs'))).toBe('775');
    },
    SLOW,
  );

  it.each([
    [['--bogus'], /unknown argument: --bogus/],
    [['--data-dir'], /--data-dir needs a directory/],
    [['--home', '/nonexistent/utxo'], /--home \/nonexistent\/utxo is not a utxoracle-ops checkout/],
  ])('bad usage %j exits 2', (args, message) => {
    const r = install(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it(
    'a bad setting in .env exits 2 and names it',
    () => {
      const home = checkout('badenv');
      fs.writeFileSync(
        path.join(home, '.env'),
        `UTXORACLE_DATA_DIR=${path.join(tmp, 'badenv-data')}\nMIN_PRICE_USD=abc\n`,
      );
      const r = install(['--home', home]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/MIN_PRICE_USD must be a number, got "abc"/);
      expect(fs.existsSync(path.join(tmp, 'badenv-data', 'utxoracle_cache.db'))).toBe(false);
    },
    SLOW,
  );

  it('stops when the build is missing', () => {
    const home = checkout('nobuild', ['bin', 'package.json', 'crontab.example']);
    const r = install(['--home', home, '--data-dir', path.join(tmp, 'nobuild-data')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the build is missing/);
  });

  // Compared as numbers: "20.9.0" sorts after "20.18.1" as text.
  it.each(['20.18.0', '20.9.0', '19.99.99', '18.20.4'])('refuses Node %s', (version) => {
    const fakeBin = path.join(tmp, `node-${version}`);
    fs.mkdirSync(fakeBin);
    fs.writeFileSync(path.join(fakeBin, 'node'), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
    const r = install(['--home', checkout(`old-${version}`)], { PATH: `${fakeBin}:${process.env.PATH}` });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Node.js ${version} at ${fakeBin}/node is too old; need >= 20.18.1`);
  });
});
