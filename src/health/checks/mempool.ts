import { describeError } from '../../errors.js';
import { parseJsonBody, httpGet } from '../../sources/httpJson.js';
import { PRICES_ENDPOINT, validatePrices } from '../../sources/mempool/prices.js';
import { grade, humanAge, worst } from '../grade.js';
import type { CheckOutcome, CheckState, Metric, Threshold } from '../types.js';
import { formatUsd } from '../../lib/formatUsd.js';

export interface MempoolThresholds {
  mempoolLatencyWarnMs: number;
  mempoolLatencyCritMs: number;
  /** A price whose `time` is older than this is stale (MEMPOOL_PRICE_MAX_AGE_SEC). */
  priceMaxAgeSec: number;
}

/** Fetches the raw `/api/v1/prices` body; throws when the service does not answer 2xx. */
export type FetchPricesBody = () => Promise<string>;

/**
 * The fetch health uses: one attempt (a retry would hide the slowness being measured), its deadline
 * the check's timeout so a hung backend's socket is dropped rather than leaked.
 */
export function mempoolPricesFetcher(baseUrl: string, timeoutMs: number): FetchPricesBody {
  return async () =>
    (await httpGet(baseUrl, PRICES_ENDPOINT, { service: 'mempool', timeoutMs, attempts: 1, backoffMs: 0 })).body;
}

/** mempool tolerates a little clock skew between its host and ours. */
const MAX_FUTURE_SEC = 300;

/**
 * mempool backend: the latency of `/api/v1/prices`, timed around the request, and the sanity of
 * its answer. No answer (refused, HTTP error, timeout) is CRIT. An answer is graded on latency, and
 * one whose price is unusable (-1 before its price updater ran, wrong shape) or stale is WARN: the
 * service is up and the UTXOracle price does not depend on it. The validation is the price
 * client's own, so health and analyze agree on what a good price is.
 */
export async function checkMempool(
  fetchBody: FetchPricesBody,
  t: MempoolThresholds,
  clock: () => number = () => performance.now(),
  nowSec: () => number = () => Date.now() / 1000,
): Promise<CheckOutcome> {
  const threshold: Threshold = { op: '>=', warn: t.mempoolLatencyWarnMs, crit: t.mempoolLatencyCritMs, unit: 'ms' };
  const started = clock();
  let body: string;
  try {
    body = await fetchBody();
  } catch (err) {
    return {
      state: 'CRIT',
      figure: null,
      unit: 'ms',
      threshold,
      message: `down: ${describeError(err)}`,
      metrics: [up(0)],
    };
  }
  const latencyMs = Math.round(clock() - started);
  const metrics: Metric[] = [
    up(1),
    {
      name: 'utxoracle_mempool_latency_seconds',
      help: 'Time mempool took to answer /api/v1/prices.',
      value: latencyMs / 1000,
    },
  ];
  const details: Record<string, unknown> = { latency_ms: latencyMs };
  const parts = [`latency: ${latencyMs} ms`];
  let priceState: CheckState = 'OK';
  const now = nowSec();
  try {
    // Age is judged below, with its own wording, so the validator is told to accept any age.
    const price = validatePrices(
      parseJsonBody(body, 'mempool', PRICES_ENDPOINT),
      Math.floor(now),
      Number.POSITIVE_INFINITY,
      MAX_FUTURE_SEC,
    );
    const age = now - price.time;
    metrics.push({ name: 'utxoracle_mempool_price_usd', help: 'USD price mempool reports.', value: price.usd });
    metrics.push({
      name: 'utxoracle_mempool_price_age_seconds',
      help: 'Age of the price mempool reports (its time field).',
      value: age,
    });
    Object.assign(details, { price_usd: price.usd, price_time: price.time, price_age_seconds: age });
    if (age > t.priceMaxAgeSec) {
      priceState = 'WARN';
      parts.push(`price ${formatUsd(price.usd)} is stale (${humanAge(age)} old)`);
    } else parts.push(`price: ${formatUsd(price.usd)}`);
  } catch (err) {
    priceState = 'WARN';
    parts.push(`price unusable: ${describeError(err).replace(/^mempool \/api\/v1\/prices: /, '')}`);
  }
  return {
    state: worst(grade(latencyMs, threshold), priceState),
    figure: latencyMs,
    unit: 'ms',
    threshold,
    message: parts.join(', '),
    metrics,
    details,
  };
}

function up(v: 0 | 1): Metric {
  return { name: 'utxoracle_mempool_up', help: 'mempool answered /api/v1/prices (1) or not (0).', value: v };
}
