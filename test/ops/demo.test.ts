// The README's first command, `npm run demo` (dist/scripts/demo.js, which the suite's global setup
// builds): a newcomer's first run must end well — every job's exit as the summary promises, the
// final health-check HEALTHY, the files it says it leaves there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('runs every job against the simulated node and ends HEALTHY, exit 0', { timeout: 180_000 }, async () => {
    const r = await execa(process.execPath, [path.join(REPO_ROOT, 'dist', 'scripts', 'demo.js')], {
      env: { UTXORACLE_DEMO_DIR: dir },
      reject: false,
      timeout: 170_000,
    });
    expect(r.exitCode, r.stdout.slice(-3000) + r.stderr).toBe(0);
    const summary = Object.fromEntries(
      [...r.stdout.slice(r.stdout.lastIndexOf('\nSummary:')).matchAll(/^ {2}(\S.*?)\s+exit (\d+)$/gm)].map((m) => [
        m[1]!,
        Number(m[2]),
      ]),
    );
    expect(summary).toEqual({
      'init-db': 0,
      'analyze --recent': 0,
      'analyze --date': 0,
      'analyze --from/--to': 0,
      // No backup yet and whale-watch never ran: DEGRADED, said as such, not UNHEALTHY.
      'health-check': 3,
      backup: 0,
      'archive --dry-run': 0,
      'whale-watch': 0,
      'whale-watch --report': 0,
      'health-check (again)': 0,
    });
    expect([...r.stdout.matchAll(/Overall Status: (\w+)/g)].map((m) => m[1])).toEqual(['DEGRADED', 'HEALTHY']);
    for (const f of ['data/utxoracle_cache.db', 'data/mempool_predictions.db', 'chart-recent.html', '.env'])
      expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
  });
});
