// GET with a deadline, bounded retries and a measured latency, for the small REST services (electrs,
// mempool). Every failure is a SourceError naming the service and endpoint; `retryable` says whether
// another attempt could help (timeouts, refused connections, 5xx) or not (4xx, a bad body).
import pRetry from 'p-retry';
import { request } from './http/request.js';
import { joinUrl } from './http/url.js';
import { SourceError } from '../errors.js';

export interface HttpGetOptions {
  /** "mempool", "electrs": the name in error messages. */
  service: string;
  /** Whole-request deadline per attempt, ms. */
  timeoutMs: number;
  /** Total attempts (1 = no retry). */
  attempts: number;
  /** First retry delay, ms; doubles per retry (p-retry, no randomisation so runs are predictable). */
  backoffMs: number;
  /** Called after each failed attempt (counting retries in tests, logging in jobs). */
  onRetry?: (err: SourceError, attempt: number) => void;
}

export interface HttpResult {
  status: number;
  body: string;
  contentType: string;
  /** Milliseconds of the successful attempt (what health-check grades). */
  latencyMs: number;
  attempts: number;
}

async function attemptOnce(url: URL, endpoint: string, o: HttpGetOptions): Promise<Omit<HttpResult, 'attempts'>> {
  const started = performance.now();
  let res;
  try {
    res = await request(url, {
      method: 'GET',
      idleTimeoutMs: o.timeoutMs,
      signal: AbortSignal.timeout(o.timeoutMs),
      service: o.service,
    });
  } catch (err) {
    if (err instanceof SourceError) throw err; // a TLS failure, already said in full
    const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const code = (err as { code?: string }).code;
    const why = timeout ? `no answer within ${o.timeoutMs} ms` : `${code ?? (err as Error).message}`;
    throw new SourceError(
      `${o.service} ${endpoint}: ${why}`,
      { service: o.service, endpoint, retryable: true },
      { cause: err },
    );
  }
  const body = res.text();
  const latencyMs = performance.now() - started;
  if (res.statusCode < 200 || res.statusCode > 299) {
    throw new SourceError(`${o.service} ${endpoint}: HTTP ${res.statusCode} ${body.slice(0, 80).trim()}`, {
      service: o.service,
      endpoint,
      status: res.statusCode,
      // 429 and 5xx are the service's momentary trouble; other 4xx are our request's fault.
      retryable: res.statusCode >= 500 || res.statusCode === 429,
    });
  }
  const contentType = String(res.headers['content-type'] ?? '');
  return { status: res.statusCode, body, contentType, latencyMs };
}

/** GET `base + endpoint`, retried on retryable failures. */
export async function httpGet(base: string, endpoint: string, o: HttpGetOptions): Promise<HttpResult> {
  const url = joinUrl(base, endpoint);
  let attempts = 0;
  const result = await pRetry(
    async () => {
      attempts++;
      return attemptOnce(url, endpoint, o);
    },
    {
      retries: Math.max(0, o.attempts - 1),
      minTimeout: o.backoffMs,
      factor: 2,
      randomize: false,
      shouldRetry: ({ error }) => error instanceof SourceError && error.details.retryable === true,
      onFailedAttempt: ({ error, attemptNumber }) => {
        if (error instanceof SourceError) o.onRetry?.(error, attemptNumber);
      },
    },
  );
  return { ...result, attempts };
}

/** JSON.parse that fails as a SourceError naming the endpoint and the start of the body. */
export function parseJsonBody(body: string, service: string, endpoint: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new SourceError(
      `${service} ${endpoint}: body is not JSON: ${body.slice(0, 60)}`,
      { service, endpoint, retryable: false, invalidAnswer: true },
      { cause: err },
    );
  }
}
