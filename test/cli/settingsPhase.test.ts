// The settings phase touches the filesystem and must never hold a job past SIGTERM or its cap. A
// cookie that is a FIFO with no writer stands in for a dead mount: opening it blocks (in a libuv
// thread, not the event loop) until someone writes, which nobody does.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runJob } from '../../src/cli/harness.js';
import { EXIT } from '../../src/errors.js';
import { binPath } from '../helpers/bins.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'phase-'));

function fifo(dir: string): string {
  const p = path.join(dir, '.cookie');
  execFileSync('mkfifo', [p]);
  return p;
}

/** analyze with a cookie that is a FIFO nobody writes: its settings phase never finishes by itself. */
function analyzeWithFifoCookie() {
  const dir = tmp();
  return execa(process.execPath, [binPath('analyze'), '--json'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      UTXORACLE_DATA_DIR: dir,
      BITCOIN_RPC_COOKIE_FILE: fifo(dir),
      LOG_LEVEL: 'silent',
    },
    extendEnv: false,
    reject: false,
    timeout: 30_000,
  });
}

describe('the settings phase', () => {
  it('is cut by the run cap even when a step ignores the signal', async () => {
    const lines: string[] = [];
    const started = Date.now();
    const code = await runJob({
      job: 'analyze',
      flags: { json: true },
      env: { UTXORACLE_DATA_DIR: tmp(), LOG_LEVEL: 'silent' },
      maxRuntimeMs: 300,
      preflight: () => new Promise<void>(() => undefined), // never settles, never looks at the signal
      stdout: (l) => lines.push(l),
      main: () => Promise.reject(new Error('main must not run')),
    });
    expect(code).toBe(EXIT.FAILED);
    expect(JSON.parse(lines[0]!).error).toBe('run exceeded 300 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a cookie that never answers is exit 2 after its deadline, naming the setting', async () => {
    const r = await analyzeWithFifoCookie();
    expect(r.timedOut).toBe(false);
    const doc = JSON.parse(r.stdout);
    expect(doc.exit_code).toBe(2);
    expect(doc.error).toMatch(/^BITCOIN_RPC_COOKIE_FILE .*\.cookie did not answer in 5 s/);
    // A thread stuck in open() would hang process.exit (Node joins its threads): the backstop kills.
    expect(r.signal).toBe('SIGKILL');
  });

  it('SIGTERM during it ends the job at once (exit 1, "interrupted by SIGTERM")', async () => {
    const child = analyzeWithFifoCookie();
    await new Promise((r) => setTimeout(r, 1_000));
    const sent = Date.now();
    child.kill('SIGTERM');
    const r = await child;
    expect(JSON.parse(r.stdout)).toMatchObject({ exit_code: 1, error: 'interrupted by SIGTERM' });
    // The blocked open keeps a libuv thread busy; the exit backstop (3 s) ends the process anyway.
    expect(Date.now() - sent).toBeLessThan(4_500);
  });
});
