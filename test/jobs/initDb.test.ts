import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDatabase, queryRows } from '../../src/store/duckdb.js';
import { runBin } from '../helpers/bins.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'initdb-'));

describe('init-db (built executable)', () => {
  it('creates the schema on an empty directory, then confirms it', async () => {
    const dir = path.join(tmp(), 'data');
    const env = { UTXORACLE_DATA_DIR: dir };
    const first = await runBin('init-db', [], env);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`Database initialized: ${dir}/utxoracle_cache.db (price database, migrated 0 -> 2)`);
    expect(first.stdout).toContain(`Database initialized: ${dir}/mempool_predictions.db`);
    expect(first.stdout).toContain(`Database initialized: ${dir}/fallback/utxoracle_fallback.db`);
    const second = await runBin('init-db', ['--json'], env);
    expect(second.exitCode).toBe(0);
    const doc = JSON.parse(second.stdout);
    expect(doc.databases.map((d: { applied: string[] }) => d.applied)).toEqual([[], [], []]);
    const check = await runBin('init-db', ['--check'], env);
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toMatch(/Schema OK: .*utxoracle_cache.db/);
    // the run was recorded
    const runs = await withDatabase(`${dir}/utxoracle_cache.db`, (c) =>
      queryRows(c, "SELECT job, status, exit_code FROM job_runs WHERE job = 'init-db'"),
    );
    expect(runs).toEqual([
      { job: 'init-db', status: 'ok', exit_code: 0 },
      { job: 'init-db', status: 'ok', exit_code: 0 },
    ]);
  });

  it('--check exits 1 and lists differences on a tampered database, and on a missing one', async () => {
    const dir = path.join(tmp(), 'data');
    const env = { UTXORACLE_DATA_DIR: dir };
    const missing = await runBin('init-db', ['--check'], env);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain('database file does not exist');
    expect(fs.existsSync(`${dir}/utxoracle_cache.db`)).toBe(false); // --check never creates
    await runBin('init-db', [], env);
    await withDatabase(`${dir}/mempool_predictions.db`, (c) =>
      c.run('ALTER TABLE whale_heartbeat ADD COLUMN extra INTEGER'),
    );
    const r = await runBin('init-db', ['--check', '--json'], env);
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.databases[2].unexpected).toEqual(['column whale_heartbeat.extra INTEGER']);
  });

  it('a bad .env value exits 2 with one line naming the setting', async () => {
    const cwd = tmp();
    fs.writeFileSync(path.join(cwd, '.env'), `UTXORACLE_DATA_DIR=${cwd}/d\nMIN_PRICE_USD=abc\n`);
    const r = await runBin('init-db', [], {}, { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('init-db: MIN_PRICE_USD must be a number, got "abc"');
    expect(fs.existsSync(`${cwd}/d/utxoracle_cache.db`)).toBe(false);
  });

  it('bad usage exits 2; --help and --version exit 0', async () => {
    const env = { UTXORACLE_DATA_DIR: tmp() };
    expect((await runBin('init-db', ['--bogus'], env)).exitCode).toBe(2);
    const help = await runBin('init-db', ['--help'], env);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--check');
    const version = await runBin('init-db', ['--version'], env);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a second instance while the first holds the lock exits 4', async () => {
    const dir = path.join(tmp(), 'data');
    fs.mkdirSync(path.join(dir, 'locks'), { recursive: true });
    // A live process (this test runner) holds the init-db lock.
    const start = fs.readFileSync('/proc/self/stat', 'utf8');
    const st = start.slice(start.lastIndexOf(')') + 2).split(' ')[19];
    fs.writeFileSync(
      path.join(dir, 'locks', 'init-db.lock'),
      JSON.stringify({ pid: process.pid, start: st, job: 'init-db', since: 'now' }),
    );
    const r = await runBin('init-db', [], { UTXORACLE_DATA_DIR: dir });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/another init-db is running \(pid \d+/);
  });

  it('--dry-run writes nothing', async () => {
    const dir = path.join(tmp(), 'data');
    const r = await runBin('init-db', ['--dry-run'], { UTXORACLE_DATA_DIR: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('[DRY-RUN] Would initialize price database');
    expect(fs.existsSync(`${dir}/utxoracle_cache.db`)).toBe(false);
  });
});
