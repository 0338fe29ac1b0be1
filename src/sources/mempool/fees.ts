// `GET /api/v1/fees/recommended`: sat/vB for the next block, ~30 min, ~1 h, economy and the relay
// minimum. mempool answers 503 "Service Unavailable" until its mempool is in sync (retried).
import { SourceError } from '../../errors.js';
import { httpGet, parseJsonBody } from '../httpJson.js';
import { type MempoolRestOptions, checkRestUrl } from './prices.js';

export const FEES_ENDPOINT = '/api/v1/fees/recommended';

export interface RecommendedFees {
  fastestFee: number;
  halfHourFee: number;
  hourFee: number;
  economyFee: number;
  minimumFee: number;
}

/** Fastest first: mempool builds each as at least the next, so a reversed pair is a broken answer. */
const FIELDS = ['fastestFee', 'halfHourFee', 'hourFee', 'economyFee', 'minimumFee'] as const;

const bad = (message: string): SourceError =>
  new SourceError(`mempool ${FEES_ENDPOINT}: ${message}`, {
    service: 'mempool',
    endpoint: FEES_ENDPOINT,
    retryable: false,
  });

export function validateFees(body: unknown): RecommendedFees {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad(`expected a JSON object, got ${JSON.stringify(body)?.slice(0, 60)}`);
  const o = body as Record<string, unknown>;
  const out = {} as RecommendedFees;
  let prev = Infinity;
  let prevName = '';
  for (const f of FIELDS) {
    const v = o[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw bad(`${f} must be a number > 0, got ${JSON.stringify(v) ?? 'nothing'}`);
    if (v > prev) throw bad(`${f} (${v}) is above ${prevName} (${prev})`);
    out[f] = v;
    prev = v;
    prevName = f;
  }
  return out;
}

export interface FeesReading extends RecommendedFees {
  latencyMs: number;
}

export async function getRecommendedFees(o: MempoolRestOptions): Promise<FeesReading> {
  const res = await httpGet(checkRestUrl(o.url), FEES_ENDPOINT, {
    service: 'mempool',
    timeoutMs: o.timeoutMs ?? 5000,
    attempts: o.attempts ?? 3,
    backoffMs: o.backoffMs ?? 1000,
    onRetry: o.onRetry,
  });
  return { ...validateFees(parseJsonBody(res.body, 'mempool', FEES_ENDPOINT)), latencyMs: res.latencyMs };
}
