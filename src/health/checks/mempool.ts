import { SourceError, describeError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { PriceSource } from '../../sources/types.js';
import { grade, humanAge, worst } from '../grade.js';
import type { CheckOutcome, CheckState, Metric, Threshold } from '../types.js';
import { formatUsd } from '../../lib/formatUsd.js';
import { notConfigured } from './notConfigured.js';

export interface MempoolThresholds {
  mempoolLatencyWarnMs: number;
  mempoolLatencyCritMs: number;
  /** A price whose `time` is older than this is stale (MEMPOOL_PRICE_MAX_AGE_SEC). */
  priceMaxAgeSec: number;
}

/**
 * mempool backend: the latency of `/api/v1/prices`, timed around the request, and the sanity of
 * its answer. It asks through the same PriceSource analyze uses, so both agree on what a good price
 * is; health's source makes one attempt (a retry would hide the slowness being measured) and sets
 * no age limit (staleness is graded here, with its own wording). No answer (refused, HTTP error,
 * timeout) is CRIT. An answer is graded on latency, and one whose price is unusable (-1 before its
 * price updater ran, wrong shape, a time in the future) or stale is WARN: the service is up and the
 * UTXOracle price does not depend on it.
 */
export async function checkMempool(
  prices: PriceSource | undefined,
  t: MempoolThresholds,
  clock: Clock,
): Promise<CheckOutcome> {
  const threshold: Threshold = { op: '>=', warn: t.mempoolLatencyWarnMs, crit: t.mempoolLatencyCritMs, unit: 'ms' };
  if (!prices)
    return notConfigured(
      'ms',
      threshold,
      'not configured (MEMPOOL_API_URL=none): prices are judged on the oracle’s own confidence and range',
    );
  const started = clock.elapsed();
  let answer: { ok: true; usd: number; time: number } | { ok: false; err: SourceError };
  try {
    answer = { ok: true, ...(await prices.getUsdPrice()) };
  } catch (err) {
    if (!(err instanceof SourceError && err.details.invalidAnswer)) {
      return {
        state: 'CRIT',
        figure: null,
        unit: 'ms',
        threshold,
        message: `down: ${describeError(err)}`,
        metrics: [up(0)],
      };
    }
    answer = { ok: false, err };
  }
  const latencyMs = Math.round(clock.elapsed() - started);
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
  if (answer.ok) {
    const age = clock.now() / 1000 - answer.time;
    metrics.push({ name: 'utxoracle_mempool_price_usd', help: 'USD price mempool reports.', value: answer.usd });
    metrics.push({
      name: 'utxoracle_mempool_price_age_seconds',
      help: 'Age of the price mempool reports (its time field).',
      value: age,
    });
    Object.assign(details, { price_usd: answer.usd, price_time: answer.time, price_age_seconds: age });
    if (age > t.priceMaxAgeSec) {
      priceState = 'WARN';
      parts.push(`price ${formatUsd(answer.usd)} is stale (${humanAge(age)} old)`);
    } else parts.push(`price: ${formatUsd(answer.usd)}`);
  } else {
    priceState = 'WARN';
    const why = describeError(answer.err).replace(/^mempool \/api\/v1\/prices: /, '');
    // Its own "no price" (feed off, Tor-only, not mainnet) is said as such: the service itself is up.
    if (answer.err.details.noPrice) {
      details.no_price = true;
      parts.push(`mempool has no exchange price: ${why}; set MEMPOOL_API_URL=none if you run without one`);
    } else parts.push(`price unusable: ${why}`);
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
