import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedRequest } from '../fakes/bitcoind/index.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';

// bitcoind restarting in the middle of a backfill, as an upgrade does: the port refuses connections,
// the cookie is deleted, then the node comes back with a new cookie and answers -28 / REST 503
// "Loading block index…" for a while. analyze waits for it (BITCOIN_RESTART_WAIT_SEC) and resumes
// where it was: every day priced to the same digits as without the restart, no block that had been
// fetched fetched again.

const FROM = '2025-05-30';
const TO = '2025-06-01';
const isBlockFetch = (r: LoggedRequest) => r.name.startsWith('/rest/block/') || r.name === 'getblock';

async function untilTrue(pred: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// A request's own retries (6, backing off 0.25 s doubling to 5 s, randomised: 13-25 s in all) ride
// out a short restart; the long one outlasts them, so only the restart wait saves the run.
describe.each([
  ['REST served, down 8 s then warming up 20 s', true, 8_000, 20_000],
  ['RPC only (rest=0), a short restart: requests in flight all see the new cookie', false, 2_500, 3_000],
])('a node restarted mid-range, %s', (_name, rest, downMs, warmupMs) => {
  let e: AnalyzeEnv;
  let reference: { date: string; price: number }[];
  beforeAll(async () => {
    // Four days of small blocks: 2025-05-29 .. 2025-06-01 and a few after.
    e = await startAnalyzeEnv({ seed: 61, date: '2025-06-01', marginBeforeBlocks: 3 * 144 }, 105_500, { rest });
    const clean = fs.mkdtempSync(path.join(os.tmpdir(), 'restart-ref-'));
    const r = await e.run({ mode: 'range', from: FROM, to: TO }, { dryRun: true, env: { UTXORACLE_DATA_DIR: clean } });
    fs.rmSync(clean, { recursive: true, force: true });
    expect(r.code).toBe(0);
    reference = r.doc.days;
    expect(reference).toHaveLength(3);
  }, 120_000);
  afterAll(() => e.close());

  it('waits for it, then prices every day bit-exact without fetching a block twice', async () => {
    const before = e.node.requests.length;
    const running = e.run({ mode: 'range', from: FROM, to: TO }, { env: { BITCOIN_RESTART_WAIT_SEC: '60' } });
    // Stop the node once the first day and part of the second are fetched.
    await untilTrue(() => e.node.requests.slice(before).filter(isBlockFetch).length >= 200);
    await e.node.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await e.node.start({ warmupMs });
    const r = await running;
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.doc.days).toEqual(reference);

    const during = e.node.requests.slice(before);
    // The restart was real: the old cookie refused after it, and (over REST) the warm-up's 503.
    expect(during.some((q) => q.status === 401)).toBe(true);
    if (rest) expect(during.some((q) => q.status === 503)).toBe(true);
    // Each block served once: a day priced before the restart was not fetched again after it.
    const served = during.filter((q) => isBlockFetch(q) && q.status === 200).map((q) => q.name);
    if (rest) expect(new Set(served).size).toBe(served.length);
    else expect(served.length).toBeLessThanOrEqual(during.filter(isBlockFetch).length);
  }, 120_000);

  it('gives up after BITCOIN_RESTART_WAIT_SEC with one line saying why (exit 1)', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'restart-gone-'));
    const before = e.node.requests.length;
    const running = e.run(
      { mode: 'range', from: FROM, to: FROM },
      { dryRun: true, env: { UTXORACLE_DATA_DIR: empty, BITCOIN_RESTART_WAIT_SEC: '3' } },
    );
    await untilTrue(() => e.node.requests.slice(before).filter(isBlockFetch).length >= 20);
    await e.node.stop();
    try {
      const r = await running;
      expect(r.code).toBe(1);
      expect(JSON.stringify(r.doc)).toMatch(
        /Bitcoin Core did not come back within 3 s \(BITCOIN_RESTART_WAIT_SEC\): connection refused \(bitcoind is not running\)/,
      );
    } finally {
      await e.node.start();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);
});
