// The exchange price from the operator's mempool backend: `GET {MEMPOOL_API_URL}/api/v1/prices`.
// mempool answers {"time": <unix s>, "USD": 67234, "EUR": …}; before its price updater has fetched
// anything it answers time 0 and -1 for every currency (its "no price" value), and it keeps serving
// the last good price when the feeds fail, so the time must be checked too.
import { ConfigError, SourceError } from '../../errors.js';
import { httpGet, parseJsonBody } from '../httpJson.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import type { ExchangePrice, PriceSource } from '../types.js';

export const PRICES_ENDPOINT = '/api/v1/prices';
/** The genesis block's time: no price can be older. */
const GENESIS_TIME = 1_231_006_505;

export interface MempoolRestOptions {
  /** MEMPOOL_API_URL, e.g. http://localhost:8999. */
  url: string;
  /** Per attempt, ms (default 5000). */
  timeoutMs?: number;
  /** Total attempts (default 3, as the runbook). */
  attempts?: number;
  /** First retry delay, ms (default 1000, doubling). */
  backoffMs?: number;
  onRetry?: (err: SourceError, attempt: number) => void;
}

/**
 * mempool stamps its price when its hourly refresh fetched it (price-updater.ts: one update an hour
 * by default, `latestGoodPrices.time` set as the feeds answer), so a healthy price is up to an hour
 * and a few seconds old. The default limit is half an hour above that (MEMPOOL_PRICE_MAX_AGE_SEC).
 */
export const DEFAULT_PRICE_MAX_AGE_SEC = 5400;

export interface PriceOptions extends MempoolRestOptions {
  /** Oldest acceptable price, seconds (default DEFAULT_PRICE_MAX_AGE_SEC). */
  maxAgeSec?: number;
  /** Clock skew tolerated for a price time in the future, seconds (default 300). */
  maxFutureSec?: number;
  /** The clock ages are measured against (default the system clock). */
  clock?: Pick<Clock, 'now'>;
}

/** A validated price plus how it was obtained (health-check grades the latency). */
export interface PriceReading extends ExchangePrice {
  latencyMs: number;
  attempts: number;
  ageSec: number;
}

export function checkRestUrl(url: string, setting = 'MEMPOOL_API_URL'): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`${setting} must be an http(s) URL, got "${url}"`, setting);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ConfigError(`${setting} must be an http(s) URL, got "${url}"`, setting);
  return url;
}

const bad = (message: string, noPrice = false): SourceError =>
  new SourceError(`mempool ${PRICES_ENDPOINT}: ${message}`, {
    service: 'mempool',
    endpoint: PRICES_ENDPOINT,
    retryable: false,
    invalidAnswer: true,
    noPrice,
  });

/** Checks a /api/v1/prices body; `nowSec` is the caller's clock. */
export function validatePrices(body: unknown, nowSec: number, maxAgeSec: number, maxFutureSec: number): ExchangePrice {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad(`expected a JSON object, got ${JSON.stringify(body)?.slice(0, 60)}`);
  const { USD: usd, time } = body as Record<string, unknown>;
  // mempool's own "no price" (price-updater.ts): USD -1 (or 0) and time 0 until a feed answers, and
  // the last price kept, ageing, while none does. Its shape is right: the service is there, its price is not.
  if (typeof usd === 'number' && Number.isFinite(usd) && usd <= 0) {
    throw bad(`no USD price (USD ${usd})`, true);
  }
  if (typeof usd !== 'number' || !Number.isFinite(usd)) {
    throw bad(`USD must be a finite number > 0, got ${JSON.stringify(usd) ?? 'nothing'}`);
  }
  if (time === 0) throw bad('no USD price (time 0: no price feed has answered)', true);
  if (typeof time !== 'number' || !Number.isInteger(time) || time < GENESIS_TIME) {
    throw bad(`time must be a unix time in seconds, got ${JSON.stringify(time) ?? 'nothing'}`);
  }
  if (time > nowSec + maxFutureSec) throw bad(`time ${time} is ${time - nowSec} s in the future`);
  if (nowSec - time > maxAgeSec)
    throw bad(`no fresh USD price (time ${time} is ${nowSec - time} s old, limit ${maxAgeSec} s)`, true);
  return { usd, time };
}

/** A `/api/v1/prices` body read and checked: the one definition of a usable exchange price. */
export function priceFromBody(body: string, nowSec: number, maxAgeSec: number, maxFutureSec: number): ExchangePrice {
  return validatePrices(parseJsonBody(body, 'mempool', PRICES_ENDPOINT), nowSec, maxAgeSec, maxFutureSec);
}

export interface MempoolPriceSource extends PriceSource {
  getUsdPrice(): Promise<PriceReading>;
}

export function createMempoolPriceSource(o: PriceOptions): MempoolPriceSource {
  const url = checkRestUrl(o.url);
  const maxAgeSec = o.maxAgeSec ?? DEFAULT_PRICE_MAX_AGE_SEC;
  const maxFutureSec = o.maxFutureSec ?? 300;
  const clock = o.clock ?? systemClock;
  return {
    async getUsdPrice(): Promise<PriceReading> {
      const res = await httpGet(url, PRICES_ENDPOINT, {
        service: 'mempool',
        timeoutMs: o.timeoutMs ?? 5000,
        attempts: o.attempts ?? 3,
        backoffMs: o.backoffMs ?? 1000,
        onRetry: o.onRetry,
      });
      const nowSec = Math.floor(clock.now() / 1000);
      const price = priceFromBody(res.body, nowSec, maxAgeSec, maxFutureSec);
      return { ...price, latencyMs: res.latencyMs, attempts: res.attempts, ageSec: nowSec - price.time };
    },
  };
}
