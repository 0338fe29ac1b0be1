import { describe, expect, it } from 'vitest';
import type { IndexSource } from '../../src/sources/types.js';
import { SourceError } from '../../src/errors.js';
import { checkBitcoind } from '../../src/health/checks/bitcoind.js';
import { checkElectrs } from '../../src/health/checks/electrs.js';
import { checkMempool } from '../../src/health/checks/mempool.js';
import { systemClock } from '../../src/lib/clock.js';
import { priceFromBody } from '../../src/sources/mempool/prices.js';
import type { CheckOutcome, CheckState } from '../../src/health/types.js';
import type { ChainInfo } from '../../src/sources/types.js';

// The service checks against plain stubs, for the edge figures the fakes make awkward.

const info = (o: Partial<ChainInfo> = {}): ChainInfo => ({
  chain: 'main',
  blocks: 867123,
  headers: 867123,
  bestblockhash: '00'.repeat(32),
  initialblockdownload: false,
  verificationprogress: 0.99999987,
  ...o,
});
const metric = (o: CheckOutcome, name: string) => o.metrics.find((m) => m.name === name)?.value;

/** An Esplora index whose tip comes from `tip`. */
const esplora = (tip: () => Promise<number>): IndexSource => ({
  kind: 'esplora',
  label: 'http://electrs:3001',
  getTipHeight: tip,
});

describe('checkBitcoind', () => {
  const rows: [string, () => Promise<ChainInfo>, CheckState, RegExp, number | null][] = [
    ['synced', async () => info(), 'OK', /^height: 867123$/, 867123],
    [
      'in initial block download',
      async () => info({ blocks: 500_000, initialblockdownload: true, verificationprogress: 0.4512 }),
      'WARN',
      /syncing: 45\.12% verified, height: 500000 of 867123 headers/,
      500_000,
    ],
    [
      'out of IBD but still verifying',
      async () => info({ verificationprogress: 0.95 }),
      'WARN',
      /syncing: 95\.00%/,
      867123,
    ],
    [
      'warming up (-28)',
      async () => {
        throw new SourceError('Loading block index…', { service: 'bitcoind', code: -28 });
      },
      'WARN',
      /^warming up: Loading block index…$/,
      null,
    ],
    [
      'refusing the login',
      async () => {
        throw new SourceError('bitcoind: HTTP 401 (check BITCOIN_RPC_USER/PASSWORD or the cookie)', {
          service: 'bitcoind',
          status: 401,
        });
      },
      'CRIT',
      /^unreachable: bitcoind: HTTP 401/,
      null,
    ],
    [
      'down',
      async () => {
        throw new SourceError('bitcoind: ECONNREFUSED', { service: 'bitcoind' });
      },
      'CRIT',
      /^unreachable: bitcoind: ECONNREFUSED/,
      null,
    ],
  ];
  it.each(rows)('%s', async (_n, getInfo, state, message, figure) => {
    const o = await checkBitcoind(getInfo);
    expect(o.state).toBe(state);
    expect(o.message).toMatch(message);
    expect(o.figure).toBe(figure);
    expect(metric(o, 'utxoracle_bitcoind_up')).toBe(state === 'CRIT' ? 0 : 1);
  });
});

describe('checkElectrs', () => {
  const t = { electrsLagWarn: 3, electrsLagCrit: 11 };
  const rows: [string, number, number, CheckState][] = [
    ['in step', 867123, 867123, 'OK'],
    ['2 behind', 867123, 867121, 'OK'],
    ['3 behind', 867123, 867120, 'WARN'],
    ['5 behind', 867123, 867118, 'WARN'],
    ['10 behind', 867123, 867113, 'WARN'],
    ['11 behind', 867123, 867112, 'CRIT'],
    ['20 behind', 867123, 867103, 'CRIT'],
    ['1 ahead (saw the block first)', 867123, 867124, 'OK'],
  ];
  it.each(rows)('%s', async (_n, core, tip, state) => {
    const o = await checkElectrs([esplora(async () => tip)], async () => core, t, systemClock);
    expect(o.state).toBe(state);
    expect(o.figure).toBe(core - tip);
    expect(metric(o, 'utxoracle_electrs_lag_blocks')).toBe(core - tip);
    expect(o.message).toContain(`tip: ${tip}`);
  });

  it('is CRIT when electrs does not answer', async () => {
    const o = await checkElectrs(
      [esplora(() => Promise.reject(new SourceError('electrs /blocks/tip/height: ECONNREFUSED')))],
      async () => 1,
      t,
      systemClock,
    );
    expect(o).toMatchObject({ state: 'CRIT', figure: null, message: 'down: electrs /blocks/tip/height: ECONNREFUSED' });
  });

  it('is WARN with the tip when Core cannot give its height', async () => {
    const o = await checkElectrs(
      [esplora(async () => 867000)],
      () => Promise.reject(new Error('down')),
      t,
      systemClock,
    );
    expect(o).toMatchObject({ state: 'WARN', figure: null });
    expect(o.message).toMatch(/tip: 867000, lag unknown/);
  });

  it('times the electrs request, not the Core request', async () => {
    let now = 0;
    const clock = { elapsed: () => now };
    const o = await checkElectrs(
      [
        esplora(async () => {
          now += 250;
          return 100;
        }),
      ],
      async () => 100,
      t,
      clock,
    );
    expect(metric(o, 'utxoracle_electrs_latency_seconds')).toBe(0.25);
  });
});

describe('checkMempool', () => {
  const NOW = 1_700_000_000;
  const t = { mempoolLatencyWarnMs: 2000, mempoolLatencyCritMs: 5000, priceMaxAgeSec: 3600 };
  /**
   * A price source that "takes" latencyMs on the injected clock and reads `body` as the real one does
   * (priceFromBody, with health's settings: no age limit), or throws.
   */
  const run = (latencyMs: number, body: unknown) => {
    let elapsed = 0;
    const prices = {
      getUsdPrice: async () => {
        elapsed += latencyMs;
        if (body instanceof Error) throw body;
        return priceFromBody(typeof body === 'string' ? body : JSON.stringify(body), NOW, Infinity, 300);
      },
    };
    return checkMempool(prices, t, { now: () => NOW * 1000, elapsed: () => elapsed });
  };
  const good = { time: NOW - 60, USD: 67234.56, EUR: 62000 };
  const rows: [string, number, unknown, CheckState, RegExp][] = [
    ['fast and fresh', 120, good, 'OK', /^latency: 120 ms, price: \$67,234\.56$/],
    ['1999 ms', 1999, good, 'OK', /latency: 1999 ms/],
    ['2000 ms', 2000, good, 'WARN', /latency: 2000 ms/],
    ['3 s', 3000, good, 'WARN', /latency: 3000 ms/],
    ['5 s', 5000, good, 'CRIT', /latency: 5000 ms/],
    [
      '-1 (no price yet)',
      100,
      { time: 0, USD: -1 },
      'WARN',
      /^latency: 100 ms, mempool has no exchange price: no USD price \(USD -1\); set MEMPOOL_API_URL=none if you run without one$/,
    ],
    ['stale time', 100, { time: NOW - 7200, USD: 60000 }, 'WARN', /price \$60,000\.00 is stale \(2\.0 h old\)/],
    ['not JSON', 100, '<html>', 'WARN', /price unusable: .*not JSON/],
    ['slow and stale: the worse wins', 6000, { time: NOW - 7200, USD: 60000 }, 'CRIT', /stale/],
    [
      'down',
      0,
      new SourceError('mempool /api/v1/prices: ECONNREFUSED'),
      'CRIT',
      /^down: mempool \/api\/v1\/prices: ECONNREFUSED$/,
    ],
  ];
  it.each(rows)('%s', async (_n, latency, body, state, message) => {
    const o = await run(latency, body);
    expect(o.state).toBe(state);
    expect(o.message).toMatch(message);
    if (!(body instanceof Error)) {
      expect(o.figure).toBe(latency);
      expect(metric(o, 'utxoracle_mempool_latency_seconds')).toBe(latency / 1000);
    } else expect(o.figure).toBeNull();
  });
});
