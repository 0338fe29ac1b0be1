// The whale-watch runner on its own: its periodic tasks have names, its events carry what happens,
// stop() shuts down in order (the last heartbeat and every queued row written, the stream closed)
// and is idempotent, and `done` settles with the same result.
import { afterEach, describe, expect, it } from 'vitest';
import { buildSettings } from '../../src/config/settings.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/log/logger.js';
import { alerterFromSettings } from '../../src/alerts/fromSettings.js';
import { startWhaleWatch, type WhaleWatchRunner } from '../../src/whale/runner.js';
import type { PredictionRow } from '../../src/whale/rows.js';
import { makeTx } from '../fakes/mempool/index.js';
import { ADDR, BTC } from './helpers.js';
import { readTable, startWorld, until, type World } from './jobHarness.js';

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

function start(w: World, dryRun = false): WhaleWatchRunner {
  // Flushes and heartbeats far apart: only the shutdown writes.
  const settings = buildSettings({ ...w.env, WHALE_FLUSH_INTERVAL_MS: '600000', WHALE_HEARTBEAT_SEC: '600' });
  return startWhaleWatch({
    settings,
    log: silentLogger,
    clock: systemClock,
    runId: 'run-under-test',
    dryRun,
    alerts: alerterFromSettings(settings, { log: silentLogger, dryRun, clock: systemClock }),
  });
}

describe('whale-watch runner', () => {
  it('names its periodic tasks (no accuracy alerts in a dry run)', async () => {
    const w = await startWorld();
    worlds.push(w);
    const live = start(w);
    const always = ['flush', 'heartbeat', 'outcome-timeouts', 'status-log', 'system-metrics', 'memory'];
    expect(live.tasks).toEqual([...always, 'accuracy-alert']);
    const dry = start(w, true);
    expect(dry.tasks).toEqual(always);
    await Promise.all([live.stop(), dry.stop()]);
    expect(live.tasks).toEqual([]);
  });

  it('reports through typed events; stop() writes what is queued, once, and done settles with its result', async () => {
    const w = await startWorld();
    worlds.push(w);
    const runner = start(w);
    const predictions: PredictionRow[] = [];
    const kinds = new Set<string>();
    runner.events.on('prediction', (row) => predictions.push(row));
    runner.events.on('event', (ev) => kinds.add(ev.type));
    let passes = 0;
    runner.events.on('catchUp', () => passes++);
    await until(() => passes >= 1, 'the first catch-up');
    const whale = makeTx({ seed: 'runner-whale', outputs: [{ address: ADDR.binanceCold, value: 300 * BTC }] });
    w.fake.addTxs([whale]);
    await until(() => predictions.length === 1, 'the detection');
    expect(predictions[0]).toMatchObject({ txid: whale.txid, flow: 'inflow' });
    expect(kinds).toContain('connected');
    expect(kinds).toContain('transactions');
    // Nothing written yet: the flush interval is ten minutes away.
    expect(await readTable(w, 'SELECT count(*)::INT AS n FROM mempool_predictions').catch(() => [{ n: 0 }])).toEqual([
      { n: 0 },
    ]);
    const [a, b] = [runner.stop(), runner.stop()];
    expect(a).toBe(b);
    const result = await a;
    expect(await runner.done).toBe(result);
    expect(result).toMatchObject({ everConnected: true, flushError: undefined, document: { whales: 1 } });
    expect(await readTable(w, 'SELECT txid FROM mempool_predictions')).toEqual([{ txid: whale.txid }]);
    // The last heartbeat is the shutdown's: the stream was already closed.
    expect(await readTable(w, 'SELECT run_id, connected FROM whale_heartbeat')).toEqual([
      { run_id: 'run-under-test', connected: false },
    ]);
    expect(w.fake.clientCount()).toBe(0);
  });
});
