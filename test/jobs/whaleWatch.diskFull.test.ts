import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../../src/cli/harness.js';
import { healthCheckMain } from '../../src/jobs/healthCheck.js';
import { makeTx, runScenario } from '../fakes/mempool/index.js';
import type { JsonDoc } from '../helpers/json.js';
import { ADDR, BTC } from '../whale/helpers.js';
import { readTable, startRun, until } from '../whale/jobHarness.js';
import { closeWorlds, world } from '../whale/scenarioKit.js';

// The disk under the whale database fills in the middle of a burst of whales (a tmpfs of a few MB,
// filled by another file): DuckDB refuses the flush (ENOSPC), whale-watch keeps the rows in memory and
// tries again, health-check says the flush is failing, and once space returns every prediction and
// outcome it reported is in the database. Needs root to mount a tmpfs: skipped, saying so, otherwise.

const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'whale-tmpfs-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt]).status === 0;

afterAll(async () => {
  await closeWorlds();
  if (mounted) spawnSync('umount', ['-l', mnt]);
  fs.rmSync(mnt, { recursive: true, force: true });
});

async function eventually(pred: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Fills the filesystem at `dir` to the last byte (a file written until ENOSPC). */
function fill(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
  // Then the last bytes, a smaller write at a time.
  for (const size of [4096, 512, 1]) {
    try {
      for (;;) fs.writeSync(fd, Buffer.alloc(size, 1));
    } catch {
      // full at this size
    }
  }
  fs.closeSync(fd);
  return file;
}

describe.skipIf(!mounted)('whale-watch on a disk that fills', () => {
  let health: () => Promise<JsonDoc>;

  it('keeps the rows while the flush fails, says so in health-check, and writes them all once space returns', async () => {
    const w = await world({ WHALE_DB_PATH: path.join(mnt, 'mempool_predictions.db'), ELECTRS_API_URL: 'none' });
    health = async () => {
      const out: string[] = [];
      await runJob({
        job: 'health-check',
        flags: { json: true },
        recordRun: false,
        env: { ...w.env, LOG_LEVEL: 'silent' },
        stdout: (l) => out.push(l),
        main: (ctx) => healthCheckMain({ alert: false }, ctx),
      });
      return JSON.parse(out[0]!) as JsonDoc;
    };
    const failures: number[] = [];
    const run = await startRun(
      w,
      {},
      { attach: (r) => r.events.on('flushFailed', (_e, pending) => failures.push(pending)) },
    );
    // One whale written while there is room: the database exists and has its tables.
    const first = makeTx({ seed: 'df-0', outputs: [{ address: ADDR.user1, value: 150 * BTC }], feeRate: 20 });
    await runScenario(w.fake, [{ do: 'add', txs: [first] }]);
    await run.drained();
    const count = async () => (await readTable(w, 'SELECT count(*) AS n FROM mempool_predictions'))[0]!.n;
    await eventually(async () => (await count()) === 1n, 'the first row');

    const filler = fill(mnt);
    const burst = Array.from({ length: 40 }, (_, i) =>
      makeTx({ seed: `df-${i + 1}`, outputs: [{ address: ADDR.user2, value: (101 + i) * BTC }], feeRate: 20 }),
    );
    await runScenario(w.fake, [
      { do: 'add', txs: burst },
      { do: 'mine', txids: burst.slice(0, 10).map((t) => t.txid) },
    ]);
    await run.drained();
    await until(() => failures.length >= 2, 'failing flushes', 30_000);
    expect(failures.at(-1)).toBeGreaterThanOrEqual(40);

    const during = await health();
    const whale = (during.checks as { check: string; state: string; message: string }[]).find(
      (c) => c.check === 'whale_heartbeat',
    )!;
    expect(whale.state).not.toBe('OK');
    expect(whale.message).toMatch(
      /writes to the whale database failing for .* rows held in memory until it accepts them/,
    );

    fs.rmSync(filler);
    await eventually(async () => (await count()) === 41n, 'every prediction written');
    const outcomes = await readTable(w, "SELECT count(*) AS n FROM prediction_outcomes WHERE outcome = 'confirmed'");
    expect(outcomes).toEqual([{ n: 10n }]);
    const { code, result } = await run.stop();
    expect(code).toBe(0);
    expect(result.store).toMatchObject({ droppedRows: 0 });
    const after = await health();
    const ok = (after.checks as { check: string; message: string }[]).find((c) => c.check === 'whale_heartbeat')!;
    expect(ok.message).not.toMatch(/failing/);
  }, 120_000);
});

if (!mounted)
  it.skip('whale-watch on a disk that fills: skipped, a tmpfs cannot be mounted here (needs root)', () => undefined);
