// whale-watch's health: alive by its heartbeat's age, and never deaf without saying so —
// disconnected too long, connected but silent (a mempool older than v3.0), its memory, its writes
// failing (the status file) — and a whale-watch stopped on purpose graded by age alone.
import { describe, expect, it } from 'vitest';
import { checkWhaleWatch } from '../../src/health/checks/whale.js';
import type { Read, WhaleSnapshot } from '../../src/health/snapshot.js';
import type { CheckState } from '../../src/health/types.js';
import type { WhaleStatus } from '../../src/whale/statusFile.js';

const NOW = 1_790_000_000;
const T = {
  whaleHeartbeatWarnSec: 180,
  whaleHeartbeatCritSec: 900,
  whaleDisconnectedWarnSec: 300,
  whaleDisconnectedCritSec: 1800,
  whaleSilentWarnSec: 900,
};
const MEM = { warnMb: 400, maxMb: 500 };

function whale(age: number | null, o: Partial<WhaleSnapshot> = {}): Read<WhaleSnapshot> {
  return {
    ok: true,
    value: {
      lastBeatAt: age === null ? null : NOW - age,
      connected: true,
      tracked: 3,
      lastWhale: null,
      whalesLastDay: 0,
      flowsLabelled: true,
      connectedSince: NOW - 3600,
      disconnectedSince: null,
      lastDeltaAt: NOW - 2,
      stopped: false,
      mempoolVersion: '3.2.1',
      mempoolBackend: 'none',
      lookups: null,
      rssMb: 150,
      ...o,
    },
  };
}
const busy: Read<never> = {
  ok: false,
  state: 'WARN',
  message: 'whale database busy (another process holds it); not read',
};
const failing = (updatedAgo: number, since: number): WhaleStatus => ({
  pid: 42,
  run_id: 'r',
  updated_at: new Date((NOW - updatedAgo) * 1000).toISOString(),
  flush: {
    failing_since: new Date((NOW - since) * 1000).toISOString(),
    last_error: 'IO Error: No space left on device',
    pending_rows: 1234,
    dropped_rows: 0,
  },
  stopped: false,
});

describe('whale-watch health', () => {
  it.each([
    ['30 s', whale(30), 'OK', /^heartbeat 30 s ago, connected, tracking 3$/],
    // The state stays the heartbeat's; the message says flows cannot be labelled.
    [
      '30 s, no exchange list',
      whale(30, { flowsLabelled: false }),
      'OK',
      /^heartbeat 30 s ago, connected, tracking 3, flows not labelled \(no EXCHANGE_ADDRESSES_FILE\)$/,
    ],
    ['30 s, heartbeat from before schema 2', whale(30, { flowsLabelled: null }), 'OK', /^heartbeat 30 s ago/],
    ['181 s', whale(181), 'WARN', /3 min ago/],
    ['901 s', whale(901), 'CRIT', /15 min ago/],
    ['never', whale(null), 'WARN', /^whale-watch has never run$/],
    ['busy', busy, 'WARN', /busy/],
    // Disconnected: graded by how long, once the heartbeat is fresh.
    [
      'disconnected 4 min',
      whale(10, { connected: false, connectedSince: null, disconnectedSince: NOW - 240 }),
      'OK',
      /disconnected, tracking/,
    ],
    [
      'disconnected 6 min',
      whale(10, { connected: false, connectedSince: null, disconnectedSince: NOW - 360 }),
      'WARN',
      /^disconnected from mempool's WebSocket for 6 min; heartbeat 10 s ago, disconnected/,
    ],
    [
      'disconnected 31 min',
      whale(10, { connected: false, connectedSince: null, disconnectedSince: NOW - 1860 }),
      'CRIT',
      /^disconnected from mempool's WebSocket for 31 min/,
    ],
    // Connected but deaf.
    [
      'silent 16 min',
      whale(10, { lastDeltaAt: NOW - 960 }),
      'WARN',
      /^connected, but no mempool-transactions delta for 16 min;/,
    ],
    [
      'no delta since connecting to a v2.5 backend',
      whale(10, { lastDeltaAt: null, connectedSince: NOW - 1200, mempoolVersion: '2.5.1' }),
      'WARN',
      /no mempool-transactions delta since it connected for 20 min \(mempool 2\.5\.1 is older than v3\.0 and sends none: upgrade it\)/,
    ],
    ['silent 14 min', whale(10, { lastDeltaAt: NOW - 840 }), 'OK', /^heartbeat/],
    // Stopped on purpose: its last heartbeat is graded by age, never as "disconnected".
    [
      'stopped 2 min ago',
      whale(120, { stopped: true, connected: false, disconnectedSince: NOW - 120, connectedSince: null }),
      'OK',
      /^stopped on purpose, last heartbeat 2 min ago$/,
    ],
    ['stopped 4 min ago', whale(240, { stopped: true, connected: false }), 'WARN', /^stopped on purpose/],
    // Its own memory.
    ['450 MB', whale(10, { rssMb: 450 }), 'WARN', /^memory 450 MB above WHALE_MEMORY_WARN_MB 400;/],
    ['620 MB', whale(10, { rssMb: 620 }), 'CRIT', /^memory 620 MB above WHALE_MEMORY_MAX_MB 500;/],
  ] as [string, Read<WhaleSnapshot>, CheckState, RegExp][])('%s -> %s', (_n, s, state, message) => {
    const o = checkWhaleWatch(s, null, T, MEM, NOW);
    expect(o.state).toBe(state);
    expect(o.message).toMatch(message);
  });

  it('writes failing (a full disk): CRIT from the status file, even while the heartbeat cannot be written', () => {
    // The heartbeat is 10 minutes old because the database refuses it; the status file says why.
    const o = checkWhaleWatch(whale(600), failing(20, 600), T, MEM, NOW);
    expect(o.state).toBe('CRIT');
    expect(o.message).toMatch(
      /^writes to the whale database failing for 10 min \(IO Error: No space left on device\): 1234 rows held in memory until it accepts them; heartbeat 10 min ago/,
    );
    expect(o.metrics.find((m) => m.name === 'utxoracle_whale_flush_failing')?.value).toBe(1);
    // A status file left by a whale-watch that is gone (not updated since) says nothing.
    expect(checkWhaleWatch(whale(30), failing(3600, 7200), T, MEM, NOW).state).toBe('OK');
  });

  it('reports the connection, mempool’s version and the lookups in its details', () => {
    const o = checkWhaleWatch(
      whale(10, { lookups: [{ name: 'core', label: 'Bitcoin Core (http://127.0.0.1:8332)', up: true }] }),
      null,
      T,
      MEM,
      NOW,
    );
    expect(o.details).toMatchObject({
      connected: true,
      connected_since: new Date((NOW - 3600) * 1000).toISOString(),
      last_delta_at: new Date((NOW - 2) * 1000).toISOString(),
      mempool: { version: '3.2.1', backend: 'none' },
      lookups: [{ name: 'core', up: true }],
    });
  });
});
