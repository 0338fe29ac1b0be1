import { spawnSync } from 'node:child_process';
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';
import { REPO_ROOT } from '../helpers/paths.js';

// The commands the README and the operator guide give for the runbook's monitoring steps and an
// operator's day, taken from the docs' own tables and run in bash as an operator types them: the jobs
// on PATH under their names, $LOG_DIR holding logs the jobs wrote as the crontab lines write them,
// $UTXORACLE_DATA_DIR their data. Each must succeed and print something.

/**
 * Read-only commands (the others — restores, silences, installs — have tests of their own); a grep
 * named without its file (`grep -i error` in prose) is not a command line.
 */
const READ_ONLY =
  /^(grep .*"\$LOG_DIR|cat "\$LOG_DIR"|du -sh |health-check( --json|$| --config)|analyze --latest|backup --list|whale-watch --report)/;

const spawnSyncOk = (cmd: string, args: string[]) => spawnSync(cmd, args).status === 0;

/** The code spans of a markdown table's cells (`\|` inside a span is a pipe). */
function tableCommands(file: string, heading: string): string[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const start = text.indexOf(heading);
  expect(start, `${file}: ${heading}`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + heading.length);
  const end = rest.search(/\n## /);
  const section = end >= 0 ? rest.slice(0, end) : rest;
  const spans: string[] = [];
  // The right-hand cell of each row: what to type with this suite (the left one quotes the runbook).
  for (const line of section.split('\n').filter((l) => l.startsWith('|'))) {
    const cells = line.replace(/\\\|/g, '\uE000').split('|').slice(1, -1);
    const right = (cells.at(-1) ?? '').replace(/\uE000/g, '|');
    for (const m of right.matchAll(/`([^`]+)`/g)) spans.push(m[1]!);
  }
  return spans.filter((c) => READ_ONLY.test(c));
}

const COMMANDS = [
  ...tableCommands('docs/operator-guide.md', "## Logs, and the runbook's monitoring commands"),
  ...tableCommands('README.md', '## Every day'),
  ...tableCommands('README.md', '## From the runbook and the whale guide'),
];

let e: AnalyzeEnv;
let binDir: string;
let env: Record<string, string>;
const hour = () => new Date().toISOString().slice(0, 13);

beforeAll(async () => {
  e = await startAnalyzeEnv({ seed: 23, date: '2025-06-01' });
  binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-bin-'));
  for (const job of ['analyze', 'init-db', 'health-check', 'backup', 'archive', 'whale-watch'])
    fs.symlinkSync(path.join(REPO_ROOT, 'bin', `${job}.js`), path.join(binDir, job));
  const logDir = path.join(e.dataDir, 'logs');
  fs.mkdirSync(logDir);
  env = {
    ...e.env,
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
    HOME: e.dataDir,
    LOG_DIR: logDir,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ELECTRS_API_URL: 'none',
    UTXORACLE_ENV_FILE: '/dev/null',
  };
  // Asynchronously: the fakes answering the jobs live in this process.
  const cron = (line: string) => execa('bash', ['-c', line], { env, cwd: REPO_ROOT, reject: false, extendEnv: false });
  // The crontab's lines, this hour: good runs, one with mempool down (an error in the log), a backup.
  for (let attempt = 0; attempt < 2; attempt++) {
    const h = hour();
    for (const f of fs.readdirSync(logDir)) fs.rmSync(path.join(logDir, f));
    await cron('init-db --json >> "$LOG_DIR/init-db.log" 2>&1');
    for (let i = 0; i < 2; i++) await cron('analyze --json >> "$LOG_DIR/analyze.log" 2>&1');
    await e.mempool.setDown('refuse');
    await cron('analyze --json >> "$LOG_DIR/analyze.log" 2>&1');
    await e.mempool.setDown(false);
    await cron('backup --json >> "$LOG_DIR/backup.log" 2>&1');
    if (hour() === h) break; // the runs straddled an hour: do them again inside one
  }
}, 120_000);
afterAll(async () => {
  await e?.close();
  fs.rmSync(binDir, { recursive: true, force: true });
});

describe('the commands the docs give an operator', () => {
  it('are there: the runbook table and the daily commands', () => {
    expect(COMMANDS.length).toBeGreaterThanOrEqual(10);
    expect(COMMANDS).toContain(
      'grep "$(date -u +%Y-%m-%dT%H)" "$LOG_DIR/analyze.log" | grep -c "Daily analysis completed successfully"',
    );
  });

  const hasJq = spawnSyncOk('jq', ['--version']);
  const runnable = [...new Set(COMMANDS)].filter((c) => hasJq || !/\| jq /.test(c));
  if (!hasJq) it.skip('the commands with jq: skipped, jq is not installed here', () => undefined);

  it.each(runnable)('%s', async (command) => {
    const r = await execa('bash', ['-c', command], {
      env,
      cwd: REPO_ROOT,
      reject: false,
      extendEnv: false,
      timeout: 60_000,
    });
    // health-check's exit code is the health (3 here: no whale-watch, one run without an exchange price).
    const ok = /^health-check/.test(command) && !command.includes('|') ? [0, 1, 3] : [0];
    expect(ok, `${command}\n${r.stderr}`).toContain(r.exitCode);
    expect(r.stdout.trim(), command).not.toBe('');
    if (command.includes('grep -c "Daily analysis completed successfully"')) expect(Number(r.stdout)).toBe(2);
    if (command.startsWith('grep -i error')) expect(r.stdout).toMatch(/"level":"error"/);
  });
});
