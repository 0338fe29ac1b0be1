// The price and fee clients against the fake mempool backend over HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import { getRecommendedFees, validateFees } from '../../../src/sources/mempool/fees.js';
import { createMempoolPriceSource, validatePrices } from '../../../src/sources/mempool/prices.js';
import { type FakeMempool, startFakeMempool } from '../../fakes/mempool/index.js';

const NOW = 1_743_541_850; // a fixed clock (block 890448's time) so staleness rows are exact
const now = () => NOW * 1000;

let fake: FakeMempool;
beforeAll(async () => {
  fake = await startFakeMempool({ usd: 84_000, priceTime: NOW - 60 });
});
afterAll(() => fake.close());
beforeEach(async () => {
  await fake.setDown(false);
  fake.hang(false);
  fake.setLatency(0);
  fake.setPrice(84_000, NOW - 60);
  fake.requests.clear();
});

describe('validatePrices (table)', () => {
  // `noPrice`: mempool's own "no price" (price-updater.ts), told apart from an answer of the wrong shape.
  const rows: Array<{ name: string; body: unknown; ok?: number; err?: RegExp; noPrice?: boolean }> = [
    { name: 'mempool shape', body: { time: NOW - 10, USD: 84_123.5, EUR: 77_000, JPY: -1 }, ok: 84_123.5 },
    {
      name: 'missing currency -1',
      body: { time: NOW, USD: -1, EUR: -1 },
      err: /no USD price \(USD -1\)$/,
      noPrice: true,
    },
    { name: 'zero', body: { time: NOW, USD: 0 }, err: /no USD price \(USD 0\)$/, noPrice: true },
    { name: 'string price', body: { time: NOW, USD: '84000' }, err: /USD .* got "84000"/ },
    { name: 'no USD', body: { time: NOW, EUR: 1 }, err: /USD .* got nothing/ },
    {
      name: 'never fetched (time 0)',
      body: { time: 0, USD: 84_000 },
      err: /no USD price \(time 0: no price feed has answered\)/,
      noPrice: true,
    },
    { name: 'time before genesis', body: { time: 5, USD: 84_000 }, err: /time must be a unix time in seconds, got 5/ },
    { name: 'milliseconds', body: { time: NOW * 1000, USD: 84_000 }, err: /in the future/ },
    {
      name: 'stale',
      body: { time: NOW - 3601, USD: 84_000 },
      err: /no fresh USD price \(time \d+ is 3601 s old, limit 3600 s\)/,
      noPrice: true,
    },
    { name: 'array', body: [1, 2], err: /expected a JSON object/ },
    { name: 'null', body: null, err: /expected a JSON object, got null/ },
  ];
  it.each(rows)('$name', ({ body, ok, err, noPrice }) => {
    if (!err) return void expect(validatePrices(body, NOW, 3600, 300).usd).toBe(ok);
    let thrown: unknown;
    try {
      validatePrices(body, NOW, 3600, 300);
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).message).toMatch(err);
    expect((thrown as SourceError).details.noPrice).toBe(noPrice === true);
  });
});

describe('createMempoolPriceSource over HTTP', () => {
  const source = (extra: Partial<Parameters<typeof createMempoolPriceSource>[0]> = {}) =>
    createMempoolPriceSource({ url: fake.url, clock: { now }, backoffMs: 5, timeoutMs: 500, ...extra });

  it('reads USD and time, with latency and one attempt', async () => {
    const r = await source().getUsdPrice();
    expect(r).toMatchObject({ usd: 84_000, time: NOW - 60, attempts: 1, ageSec: 60 });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(fake.requests.get('/api/v1/prices')).toBe(1);
  });

  const failures: Array<{
    name: string;
    arrange: () => Promise<void> | void;
    err: RegExp;
    requests: number;
    status?: number;
  }> = [
    {
      name: '-1 (no feed)',
      arrange: () => fake.setPrice(-1, NOW),
      err: /no USD price \(USD -1\)/,
      requests: 1,
    },
    { name: 'zero', arrange: () => fake.setPrice(0, NOW), err: /USD 0/, requests: 1 },
    { name: 'stale', arrange: () => fake.setPrice(84_000, NOW - 7200), err: /is 7200 s old/, requests: 1 },
    {
      name: 'wrong shape',
      arrange: () => fake.setPricesBody({ prices: [{ USD: 1 }] }),
      err: /USD .* got nothing/,
      requests: 1,
    },
    { name: 'down 503 (retried 3x)', arrange: () => fake.setDown('503'), err: /HTTP 503/, requests: 3, status: 503 },
    { name: 'refused (retried 3x)', arrange: () => fake.setDown('refuse'), err: /ECONNREFUSED/, requests: 0 },
    {
      name: 'hangs (timeout, retried 3x)',
      arrange: () => fake.hang(true),
      err: /no answer within 100 ms/,
      requests: 3,
    },
  ];
  it.each(failures)('$name -> SourceError', async ({ arrange, err, requests, status }) => {
    await arrange();
    const retries: number[] = [];
    const p = source({ timeoutMs: 100, onRetry: (_e, n) => retries.push(n) }).getUsdPrice();
    await expect(p).rejects.toThrow(err);
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SourceError);
    expect((e as SourceError).details).toMatchObject({
      service: 'mempool',
      endpoint: '/api/v1/prices',
      ...(status ? { status } : {}),
    });
    expect(fake.requests.get('/api/v1/prices') ?? 0).toBe(requests);
    // Validation failures are final; transport failures use all three attempts.
    expect(retries).toEqual((e as SourceError).details.retryable ? [1, 2, 3] : []);
  });

  it('a slow answer within the deadline succeeds and reports its latency', async () => {
    fake.setLatency(60);
    const r = await source({ timeoutMs: 2000 }).getUsdPrice();
    expect(r.usd).toBe(84_000);
    expect(r.latencyMs).toBeGreaterThanOrEqual(50);
  });

  it('recovers when the backend comes back between attempts', async () => {
    await fake.setDown('503');
    // Brought back by the first failure itself, so the outcome does not depend on timing.
    const p = source({ onRetry: () => void fake.setDown(false) }).getUsdPrice();
    await expect(p).resolves.toMatchObject({ usd: 84_000, attempts: 2 });
    expect(fake.requests.get('/api/v1/prices')).toBe(2);
  });
});

describe('recommended fees', () => {
  const rows: Array<{ name: string; body: unknown; err?: RegExp }> = [
    { name: 'mempool shape', body: { fastestFee: 8, halfHourFee: 8, hourFee: 8, economyFee: 4, minimumFee: 2 } },
    {
      name: 'zero',
      body: { fastestFee: 8, halfHourFee: 8, hourFee: 8, economyFee: 4, minimumFee: 0 },
      err: /minimumFee must be a number > 0, got 0/,
    },
    {
      name: 'reversed',
      body: { fastestFee: 2, halfHourFee: 8, hourFee: 8, economyFee: 4, minimumFee: 1 },
      err: /halfHourFee \(8\) is above fastestFee \(2\)/,
    },
    { name: 'missing', body: { fastestFee: 8 }, err: /halfHourFee must be a number > 0, got nothing/ },
  ];
  it.each(rows)('$name', ({ body, err }) => {
    if (err) expect(() => validateFees(body)).toThrow(err);
    else expect(validateFees(body)).toEqual(body);
  });

  it('reads them over HTTP, and 503 while mempool syncs', async () => {
    fake.setFees({ fastestFee: 12, halfHourFee: 9, hourFee: 7, economyFee: 3, minimumFee: 1 });
    await expect(getRecommendedFees({ url: fake.url })).resolves.toMatchObject({ fastestFee: 12, minimumFee: 1 });
    fake.setNotInSync(true);
    await expect(getRecommendedFees({ url: fake.url, attempts: 2, backoffMs: 5 })).rejects.toThrow(
      /HTTP 503 Service Unavailable/,
    );
    fake.setNotInSync(false);
  });
});

describe("the staleness limit against mempool's hourly refresh", () => {
  // price-updater.ts refreshes once an hour (config.ts PRICE_UPDATES_PER_HOUR: 1) and stamps the
  // price when the feeds have answered, so just before a refresh the price is an hour and some
  // seconds old. Every age of that cycle must be accepted by default; a missed refresh must not.
  it('accepts every age of an hourly cycle (plus slow feeds) with the default limit, and the settings agree', async () => {
    const { DEFAULT_PRICE_MAX_AGE_SEC } = await import('../../../src/sources/mempool/prices.js');
    const { buildSettings } = await import('../../../src/config/settings.js');
    expect(buildSettings({ UTXORACLE_DATA_DIR: '/tmp' }).mempoolPriceMaxAgeSec).toBe(DEFAULT_PRICE_MAX_AGE_SEC);
    expect(DEFAULT_PRICE_MAX_AGE_SEC).toBeGreaterThan(3600);
    const src = createMempoolPriceSource({ url: fake.url, clock: { now }, backoffMs: 5, timeoutMs: 500 });
    for (const age of [0, 59, 1800, 3599, 3600, 3601, 3630, 3700]) {
      fake.setPrice(84_000, NOW - age);
      await expect(src.getUsdPrice()).resolves.toMatchObject({ usd: 84_000, ageSec: age });
    }
    fake.setPrice(84_000, NOW - 2 * 3600); // a refresh missed: stale
    await expect(src.getUsdPrice()).rejects.toThrow(/is 7200 s old, limit 5400 s/);
  });
});
