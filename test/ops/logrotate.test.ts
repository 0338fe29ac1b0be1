import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';

const CONFIG = fs.readFileSync(path.join(REPO_ROOT, 'logrotate', 'utxoracle'), 'utf8');
const LOGROTATE = ['/usr/sbin/logrotate', '/sbin/logrotate', '/usr/bin/logrotate'].find((p) => fs.existsSync(p));
if (!LOGROTATE)
  console.warn('[test/ops] logrotate not installed (apt-get install -y logrotate): skipping the logrotate runs');

/** The directives of the one block, comments dropped. */
function block(text: string): { pattern: string; directives: string[] } {
  const live = text.replace(/#.*$/gm, '');
  const m = /^\s*(\S+)\s*\{([^}]*)\}/m.exec(live);
  if (!m) throw new Error('no "<pattern> { ... }" block in logrotate/utxoracle');
  return {
    pattern: m[1]!,
    directives: m[2]!
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  };
}

describe('logrotate/utxoracle', () => {
  it('has the runbook directives for the job logs, and nothing that needs a signal', () => {
    const { pattern, directives } = block(CONFIG);
    expect(pattern).toBe('/var/lib/utxoracle/logs/*.log'); // crontab.example's LOG_DIR
    expect(directives.sort()).toEqual([
      'compress',
      'copytruncate',
      'daily',
      'delaycompress',
      'missingok',
      'notifempty',
      'rotate 30',
    ]);
    expect(CONFIG).not.toMatch(/postrotate|create\s/);
  });

  it('tells the operator to edit the path to their LOG_DIR', () => {
    expect(CONFIG).toMatch(/edit the path below to your LOG_DIR/);
  });
});

// The real logrotate, on a copy whose pattern points at a temp LOG_DIR made like install.sh makes it.
describe.skipIf(!LOGROTATE)('logrotate/utxoracle under the real logrotate', () => {
  let tmp: string;
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function setup(logs: Record<string, string>) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'utxo-logrotate-'));
    const dir = path.join(tmp, 'logs');
    fs.mkdirSync(dir, { mode: 0o750 });
    for (const [name, body] of Object.entries(logs)) fs.writeFileSync(path.join(dir, name), body);
    const conf = path.join(tmp, 'utxoracle');
    // logrotate ignores a config file that others may write.
    fs.writeFileSync(conf, CONFIG.replace('/var/lib/utxoracle/logs/*.log', `${dir}/*.log`), { mode: 0o644 });
    const state = path.join(tmp, 'state');
    return { dir, conf, state };
  }

  /** A state file that says every log was last rotated long ago, so `daily` is due. */
  function due(state: string, dir: string, names: string[]) {
    const rows = names.map((n) => `"${path.join(dir, n)}" 2000-1-1-0:0:0`);
    fs.writeFileSync(state, `logrotate state -- version 2\n${rows.join('\n')}\n`);
  }

  const logrotate = (...args: string[]) => spawnSync(LOGROTATE!, args, { encoding: 'utf8' });

  it('-d: parses, and would copy+truncate a due log and leave an empty one', () => {
    const { dir, conf, state } = setup({ 'analyze.log': '{"msg":"Starting daily analysis"}\n', 'backup.log': '' });
    due(state, dir, ['analyze.log', 'backup.log']);
    const r = logrotate('-d', '-s', state, conf);
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(0);
    expect(out).not.toMatch(/^error:/m);
    expect(out).toContain(`rotating pattern: ${dir}/*.log  after 1 days (30 rotations)`);
    expect(out).toContain('empty log files are not rotated');
    expect(out).toContain(`copying ${dir}/analyze.log to ${dir}/analyze.log.1`);
    expect(out).toContain(`truncating ${dir}/analyze.log`);
    expect(out).toMatch(/backup\.log[\s\S]*log does not need rotating \(log is empty\)/);
    // -d must not have touched anything.
    expect(fs.readdirSync(dir).sort()).toEqual(['analyze.log', 'backup.log']);
  });

  it('rotates for real: copytruncate keeps the file, delaycompress gzips from the second rotation', () => {
    const { dir, conf, state } = setup({ 'analyze.log': 'day 1\n' });
    due(state, dir, ['analyze.log']);
    expect(logrotate('-s', state, conf).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'analyze.log'), 'utf8')).toBe(''); // same file, truncated
    expect(fs.readFileSync(path.join(dir, 'analyze.log.1'), 'utf8')).toBe('day 1\n'); // not yet compressed

    fs.appendFileSync(path.join(dir, 'analyze.log'), 'day 2\n');
    due(state, dir, ['analyze.log']);
    expect(logrotate('-s', state, conf).status).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['analyze.log', 'analyze.log.1', 'analyze.log.2.gz']);
    expect(fs.readFileSync(path.join(dir, 'analyze.log.1'), 'utf8')).toBe('day 2\n');
  });

  it('a log rotated today is left alone (daily)', () => {
    const { dir, conf, state } = setup({ 'whale-watch.log': 'x\n' });
    expect(logrotate('-s', state, conf).status).toBe(0); // first sight: recorded, not rotated
    expect(logrotate('-s', state, conf).status).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['whale-watch.log']);
  });
});
