// Which node failures are worth another try, and the bounded, jittered backoff between tries.
// Retry: HTTP 503 (Core's "Work queue depth exceeded"), RPC -28 (warming up), refused or reset
// connections, timeouts. Never: 401/403 and real RPC errors, which a retry cannot fix.
import pRetry from 'p-retry';
import { SourceError, UtxoracleError } from '../../errors.js';

export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  /** First backoff; doubles each time, randomised x1..x2, capped at maxDelayMs. */
  minDelayMs: number;
  maxDelayMs: number;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}

/** Waits out a node restart (outage.ts): which failures it covers, and the wait itself. */
export interface OutageWaiter {
  covers(err: unknown): boolean;
  waitFor(err: unknown): Promise<void>;
}

/** Outages one request waits out at most: a node that answers the probe yet keeps failing this request is an error. */
const MAX_OUTAGES_PER_REQUEST = 3;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** True for errors from the transport (not from the node's answer) that a retry may cure. */
export function isTransientNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
  }
  return false;
}

export async function withRetry<T>(
  what: { service: string; endpoint: string },
  policy: RetryPolicy,
  logger: Logger | undefined,
  fn: () => Promise<T>,
  outage?: OutageWaiter,
): Promise<T> {
  for (let waited = 0; ; waited++) {
    try {
      return await retried(what, policy, logger, fn);
    } catch (err) {
      if (!outage || waited >= MAX_OUTAGES_PER_REQUEST || !outage.covers(err)) throw err;
      await outage.waitFor(err);
    }
  }
}

async function retried<T>(
  what: { service: string; endpoint: string },
  policy: RetryPolicy,
  logger: Logger | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await pRetry(fn, {
      retries: policy.retries,
      minTimeout: policy.minDelayMs,
      maxTimeout: policy.maxDelayMs,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) =>
        error instanceof SourceError ? error.details.retryable === true : isTransientNetworkError(error),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        logger?.debug(
          { endpoint: what.endpoint, attempt: attemptNumber, retriesLeft, err: error.message },
          'bitcoind request failed',
        );
      },
    });
  } catch (err) {
    if (err instanceof UtxoracleError) throw err; // already says what went wrong (SourceError, ConfigError, DataError)
    const transient = isTransientNetworkError(err);
    const reason = err instanceof Error ? ((err as { code?: string }).code ?? err.name) : String(err);
    throw new SourceError(
      `Bitcoin Core ${what.endpoint} failed${transient ? ` after ${policy.retries + 1} attempts` : ''}: ${reason}`,
      { service: what.service, endpoint: what.endpoint, retryable: transient },
      { cause: err },
    );
  }
}
