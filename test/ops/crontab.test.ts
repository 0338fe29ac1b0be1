import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { durationMs, fieldError, parseCrontab, validateCrontab } from './crontab.js';

const CRONTAB = fs.readFileSync(path.join(REPO_ROOT, 'crontab.example'), 'utf8');

describe('crontab.example', () => {
  it('is the runbook schedule, with nothing to complain about', () => {
    expect(validateCrontab(CRONTAB)).toEqual([]);
  });

  it('schedules the five jobs with the runbook timings', () => {
    const { jobs, vars } = parseCrontab(CRONTAB);
    const byJob = Object.fromEntries(jobs.map((j) => [j.job, j]));
    expect(Object.keys(byJob).sort()).toEqual(['analyze', 'archive', 'backup', 'health-check', 'whale-watch']);
    expect(byJob['analyze']!.fields.join(' ')).toBe('*/10 * * * *');
    expect(byJob['backup']!.fields.join(' ')).toBe('0 3 * * *');
    expect(byJob['health-check']!.args).toContain('--alert');
    expect(byJob['whale-watch']!.flock).toBe('$UTXORACLE_DATA_DIR/locks/whale-watch.flock');
    expect(byJob['whale-watch']!.args).toEqual(['--json']); // long-running: no --duration
    // The defaults the README and logrotate/utxoracle refer to.
    expect(vars.get('LOG_DIR')).toBe('/var/lib/utxoracle/logs');
    expect(vars.get('SHELL')).toBe('/bin/bash');
  });

  it('has no bare % anywhere outside comments', () => {
    const live = CRONTAB.split('\n').filter((l) => !l.trim().startsWith('#'));
    expect(live.join('\n')).not.toMatch(/(^|[^\\])%/);
  });
});

// Each row breaks the real file in one way; the validator must say so in its own words.
const BROKEN: [string, (t: string) => string, RegExp][] = [
  ['analyze every 5 min', (t) => t.replace('*/10   *', '*/5   *'), /analyze must run \*\/10/],
  ['minute 60', (t) => t.replace(/^5 {6}\*/m, '60     *'), /minute "60": out of range/],
  ['hour 24', (t) => t.replace('0      3  *', '0      24  *'), /hour "24": out of range/],
  ['day of month 0', (t) => t.replace('30     4  1', '30     4  0'), /day of month "0": out of range/],
  ['month name', (t) => t.replace('30     4  1   *', '30     4  1   jan'), /month "jan": bad item/],
  ['step 0', (t) => t.replace('*/10', '*/0'), /minute "\*\/0": bad step/],
  ['reversed range', (t) => t.replace('0      3  *', '0      5-3  *'), /hour "5-3": out of range/],
  [
    'four fields',
    (t) => t.replace('0      3  *   *   *    cd', '0      3  *   *    cd'),
    /hour|day|month|unknown command/,
  ],
  ['@daily', (t) => t.replace('0      3  *   *   *    cd', '@daily cd'), /five time fields/],
  [
    'unescaped %',
    (t) => t.replace('--json >> "$LOG_DIR/backup.log"', '--json --tag $(date +%F) >> "$LOG_DIR/backup.log"'),
    /unescaped %/,
  ],
  [
    'undefined variable',
    (t) => t.replace('cd "$UTXORACLE_HOME" && ./bin/archive.js', 'cd "$APP_HOME" && ./bin/archive.js'),
    /\$APP_HOME is not defined/,
  ],
  [
    'variable defined after use',
    (t) => t.replace('LOG_DIR=/var/lib/utxoracle/logs\n', '') + 'LOG_DIR=/var/lib/utxoracle/logs\n',
    /\$LOG_DIR is not defined above/,
  ],
  [
    'expansion in an assignment',
    (t) => t.replace('LOG_DIR=/var/lib/utxoracle/logs', 'LOG_DIR=$UTXORACLE_DATA_DIR/logs'),
    /relies on expansion/,
  ],
  [
    'relative home',
    (t) => t.replace('UTXORACLE_HOME=/opt/utxoracle-ops', 'UTXORACLE_HOME=opt/utxoracle-ops'),
    /UTXORACLE_HOME must be an absolute path/,
  ],
  ['no PATH', (t) => t.replace(/^PATH=.*\n/m, ''), /PATH is not set/],
  [
    'relative PATH entry',
    (t) => t.replace('PATH=/usr/local/bin', 'PATH=bin:/usr/local/bin'),
    /PATH entry "bin" is not absolute/,
  ],
  ['output overwritten', (t) => t.replace('>> "$LOG_DIR/analyze.log"', '> "$LOG_DIR/analyze.log"'), /not appended/],
  ['stderr lost', (t) => t.replace('"$LOG_DIR/backup.log" 2>&1', '"$LOG_DIR/backup.log"'), /not appended/],
  [
    'wrong log file',
    (t) => t.replace('"$LOG_DIR/archive.log"', '"$LOG_DIR/backup.log"'),
    /archive logs to backup\.log/,
  ],
  ['no cd', (t) => t.replace('cd "$UTXORACLE_HOME" && ./bin/backup.js', './bin/backup.js'), /must start with cd/],
  ['unknown bin', (t) => t.replace('./bin/archive.js', './bin/archiver.js'), /archiver|unknown command/],
  ['pipe', (t) => t.replace('./bin/backup.js --json', './bin/backup.js --json | gzip'), /one job per line/],
  [
    'health-check without --alert',
    (t) => t.replace('health-check.js --alert ', 'health-check.js '),
    /health-check must run with --alert/,
  ],
  ['health-check every 2 h', (t) => t.replace(/^5 {6}\*/m, '5      */2'), /health-check must run hourly/],
  ['archive daily', (t) => t.replace('30     4  1', '30     4  *'), /archive must run monthly/],
  ['backup dropped', (t) => t.replace(/^0 {6}3 .*\n/m, ''), /backup is not scheduled/],
  [
    'analyze twice',
    (t) => t + '*/10 * * * * cd "$UTXORACLE_HOME" && ./bin/analyze.js >> "$LOG_DIR/analyze.log" 2>&1\n',
    /analyze is scheduled twice/,
  ],
  [
    'init-db in cron',
    (t) => t + '0 0 * * * cd "$UTXORACLE_HOME" && ./bin/init-db.js >> "$LOG_DIR/init-db.log" 2>&1\n',
    /init-db is a one-off/,
  ],
  [
    'whale-watch without flock',
    (t) => t.replace('flock -n "$UTXORACLE_DATA_DIR/locks/whale-watch.flock" ', ''),
    /whale-watch must run under flock -n/,
  ],
  ['flock on the job lock', (t) => t.replace('whale-watch.flock', 'whale-watch.lock'), /its own lock file/],
  [
    'flock file relative',
    (t) => t.replace('"$UTXORACLE_DATA_DIR/locks/whale-watch.flock"', 'whale.flock'),
    /absolute path or under/,
  ],
  [
    'whale-watch bounded again (55 s a minute: deaf between runs)',
    (t) => t.replace('./bin/whale-watch.js --json', './bin/whale-watch.js --duration 55s --json'),
    /whale-watch runs long under cron .*: no --duration/,
  ],
  ['whale-watch every 2 min', (t) => t.replace(/^\* {6}\*/m, '*/2    *'), /whale-watch must run every minute/],
];

describe('the crontab validator rejects broken files', () => {
  it.each(BROKEN)('%s', (_name, breakIt, expected) => {
    const broken = breakIt(CRONTAB);
    expect(broken, 'the mutation must change the file').not.toBe(CRONTAB);
    expect(validateCrontab(broken).join('\n')).toMatch(expected);
  });

  it('accepts the forms cron allows and the file may use', () => {
    const ok = CRONTAB.replace('0      3  *', '0      3  *')
      .replace('cd "$UTXORACLE_HOME" && ./bin/backup.js', 'cd ${UTXORACLE_HOME} && bin/backup.js')
      .replace(/^5 {6}\*(.*)\.\/bin\/health-check\.js/m, '15 *$1./scripts/health_check.sh');
    expect(ok).not.toBe(CRONTAB);
    expect(validateCrontab(ok)).toEqual([]);
  });
});

describe('time fields and durations', () => {
  it.each([
    ['*', 0, ''],
    ['0-59/15', 0, ''],
    ['1,15,30-45', 0, ''],
    ['7', 4, ''],
    ['8', 4, 'out of range'],
    ['1-', 0, 'bad item'],
    ['*/61', 0, 'bad step'],
    ['5/10', 0, 'bad step'],
    ['', 1, 'bad item'],
  ])('field %j (#%i) -> %j', (value, index, error) => {
    const e = fieldError(value, index);
    if (error) expect(e).toContain(error);
    else expect(e).toBe('');
  });

  it.each([
    ['55s', 55_000],
    ['55', 55_000],
    ['1m', 60_000],
    ['500ms', 500],
    ['fast', NaN],
  ])('duration %s = %d ms', (v, ms) => {
    expect(durationMs(v)).toBe(ms);
  });
});
