// Bitcoin Core's REST interface (bitcoind -rest=1): raw blocks without JSON or hex, unauthenticated.
// Whether the node serves it is probed once: with -rest=0 Core registers no /rest/ handler and
// answers a bare 404.
import type { HttpPool } from '../http/request.js';
import { SourceError } from '../../errors.js';
import { withRetry, type Logger, type OutageWaiter, type RetryPolicy } from './retry.js';
import { nodePool } from './pool.js';

export interface RestOptions {
  /** BITCOIN_RPC_URL without credentials; a path prefix is kept. */
  base: string;
  timeoutMs: number;
  connections: number;
  retry: RetryPolicy;
  logger?: Logger;
  /** Waits out a node restart once a request's retries are spent (see outage.ts). */
  outage?: OutageWaiter;
}

const SERVICE = 'bitcoind-rest';
/**
 * Answers worth another try on these idempotent GETs: Core's 503 (work queue full, warming up) and
 * the 500/502/504 a proxy in front of the node sends when the node is slow or restarting. 404 and
 * 400 are definite answers (not found, bad request).
 */
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([500, 502, 503, 504]);

export class RestClient {
  private readonly pool: HttpPool;
  private available: Promise<boolean> | undefined;

  constructor(private readonly opts: RestOptions) {
    this.pool = nodePool(opts.base, opts.connections, opts.timeoutMs);
  }

  /** True when the node serves REST; asked once (GET /rest/chaininfo.json), then remembered. */
  isAvailable(): Promise<boolean> {
    const endpoint = '/rest/chaininfo.json';
    // A busy node or a proxy's 5xx is asked again; only a definite answer decides: 200 yes, 404 (no
    // handler: -rest=0) or anything else no.
    this.available ??= withRetry(
      { service: SERVICE, endpoint },
      this.opts.retry,
      this.opts.logger,
      async () => {
        const r = await this.get(endpoint);
        if (RETRYABLE_STATUS.has(r.status)) throw this.statusError(endpoint, r);
        return r.status === 200;
      },
      this.opts.outage,
    ).then(
      (ok) => {
        this.opts.logger?.debug(
          { endpoint },
          ok ? 'bitcoind REST enabled' : 'bitcoind REST not served; using RPC getblock',
        );
        return ok;
      },
      (err: unknown) => {
        this.opts.logger?.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'bitcoind REST probe failed; using RPC getblock',
        );
        return false;
      },
    );
    return this.available;
  }

  /** `/rest/block/<hash>.bin`: the block's consensus bytes. */
  getBlock(hash: string): Promise<Uint8Array> {
    return this.getBody(`/rest/block/${hash}.bin`);
  }

  /** `/rest/headers/<count>/<hash>.bin`: up to `count` 80-byte headers of the active chain from `hash` on. */
  getHeaders(count: number, hash: string): Promise<Uint8Array> {
    return this.getBody(`/rest/headers/${count}/${hash}.bin`);
  }

  /** GET `endpoint` and its body when 200; 5xx answers are tried again (bounded), others are errors. */
  private getBody(endpoint: string): Promise<Uint8Array> {
    return withRetry(
      { service: SERVICE, endpoint },
      this.opts.retry,
      this.opts.logger,
      async () => {
        const r = await this.get(endpoint);
        if (r.status === 200) return r.body;
        throw this.statusError(endpoint, r);
      },
      this.opts.outage,
    );
  }

  private statusError(endpoint: string, r: { status: number; body: Uint8Array }): SourceError {
    const text = Buffer.from(r.body).toString('utf8').trim().slice(0, 120);
    return new SourceError(`Bitcoin Core REST ${endpoint}: HTTP ${r.status}${text ? ` ${text}` : ''}`, {
      service: SERVICE,
      endpoint,
      status: r.status,
      retryable: RETRYABLE_STATUS.has(r.status),
    });
  }

  private async get(path: string): Promise<{ status: number; body: Uint8Array }> {
    const res = await this.pool.request(path, { method: 'GET', signal: AbortSignal.timeout(this.opts.timeoutMs) });
    return { status: res.statusCode, body: res.body };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
