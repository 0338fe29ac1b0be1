import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/cli/program.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { runBin } from '../helpers/bins.js';

const JOBS = ['analyze', 'init-db', 'health-check', 'archive', 'backup', 'whale-watch'];
const env = () => ({ UTXORACLE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'usage-')), LOG_LEVEL: 'silent' });

describe('bad usage is one line and a hint, exit 2 (cron mail holds the mistake, not the help)', () => {
  it.each(JOBS)('%s --bogus', async (job) => {
    const r = await runBin(job, ['--bogus'], env());
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${job}: unknown option '--bogus' (see ${job} --help)`);
  });

  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  it.each([
    [
      ['--date', '2025-02-30'],
      `option '--date <YYYY-MM-DD>' argument '2025-02-30' is invalid. --date must be a date YYYY-MM-DD, got "2025-02-30"`,
    ],
    [['--date', tomorrow], `--date ${tomorrow} is in the future (today is ${today} UTC)`],
    [['--date', today], `--date ${today} is today: a UTC day can be priced once it is over`],
    [['--from', '2025-06-01', '--to', tomorrow], `--to ${tomorrow} is in the future (today is ${today} UTC)`],
    [['--recent', '--date', '2025-06-01'], 'choose one of --recent, --date, --from/--to or --latest'],
    [['--from', '2025-06-02', '--to', '2025-06-01'], '--from 2025-06-02 is after --to 2025-06-01'],
  ])('analyze %j', async (args, message) => {
    const r = await runBin('analyze', args, env());
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/\(see analyze --help\)$/);
  });

  it('--help still prints the whole help, exit 0', async () => {
    const r = await runBin('analyze', ['--help'], env());
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('--date <YYYY-MM-DD>');
  });

  it('parseDate takes yesterday and refuses today, by the UTC calendar', () => {
    const now = { now: () => Date.parse('2026-12-01T00:30:00Z') };
    expect(parseDate('--date', now)('2026-11-30')).toBe('2026-11-30');
    expect(() => parseDate('--date', now)('2026-12-01')).toThrow(/is today/);
  });
});

describe('a missing or unreadable install', () => {
  it('is one line naming the install and what to do, exit 1, not a stack trace', async () => {
    // A checkout whose build never ran: bin/ alone.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'noinstall-'));
    fs.cpSync(path.join(REPO_ROOT, 'bin'), path.join(home, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(home, 'package.json'), '{"type":"module"}');
    for (const job of JOBS) {
      const r = await execa(process.execPath, [path.join(home, 'bin', `${job}.js`), '--version'], { reject: false });
      expect(r.exitCode, job).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, job).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^${job}: cannot load the program \\(ERR_MODULE_NOT_FOUND: .*\\); the install at ${home} is incomplete or not readable by \\S+: run npm ci there`,
        ),
      );
    }
  });
});
