// JSON-RPC to Bitcoin Core over one keep-alive connection pool (a bounded number of sockets), with
// per-request timeouts and retries. Handles both reply styles Core has: legacy (errors as HTTP
// 404/500 with a JSON body) and JSON-RPC 2.0 (HTTP 200 with an error member).
import type { HttpPool } from '../http/request.js';
import { SourceError } from '../../errors.js';
import type { RpcAuth } from './auth.js';
import { withRetry, type Logger, type OutageWaiter, type RetryPolicy } from './retry.js';
import { nodePool } from './pool.js';

export const RPC_IN_WARMUP = -28;

export interface RpcOptions {
  /** BITCOIN_RPC_URL without credentials; a path prefix is kept. */
  base: string;
  auth: RpcAuth;
  timeoutMs: number;
  /** Sockets to keep open to the node. */
  connections: number;
  retry: RetryPolicy;
  logger?: Logger;
  /** Waits out a node restart once a request's retries are spent (analyze; see outage.ts). */
  outage?: OutageWaiter;
}

export interface RpcCall {
  method: string;
  params?: unknown[];
}

/** One call of a settled batch: its result, or the error the node answered for it. */
export type Settled<T> = { ok: true; result: T } | { ok: false; error: SourceError };

interface RpcReply {
  result?: unknown;
  error?: { code?: unknown; message?: unknown } | null;
  id?: unknown;
}

const SERVICE = 'bitcoind';

/** A reply body's replies, and the same by request id. */
interface Replies {
  list: RpcReply[];
  byId: Map<unknown, RpcReply>;
}

export function rpcError(method: string, error: { code?: unknown; message?: unknown }, status: number): SourceError {
  const code = typeof error.code === 'number' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
  return new SourceError(`Bitcoin Core RPC ${method} failed: ${message} (code ${code ?? '?'})`, {
    service: SERVICE,
    endpoint: method,
    status,
    code,
    retryable: code === RPC_IN_WARMUP,
  });
}

/** A JSON-RPC error member as Core writes it: an object with a numeric code. */
function isRpcError(e: unknown): e is { code: number; message?: unknown } {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number';
}

/**
 * A 5xx whose body is JSON but no JSON-RPC reply (`{"message":"Bad Gateway"}` from a proxy):
 * retried like a 503. A JSON-RPC error body stays the node's answer (rpcError: only -28 retried).
 */
function notAnRpcReply(label: string, status: number, body: string): SourceError {
  return new SourceError(
    `Bitcoin Core ${label}: HTTP ${status} with a body that is not a JSON-RPC reply: ${JSON.stringify(body.slice(0, 80))}`,
    { service: SERVICE, endpoint: label, status, retryable: true },
  );
}

export class RpcClient {
  private readonly pool: HttpPool;
  private nextId = 1;

  constructor(private readonly opts: RpcOptions) {
    this.pool = nodePool(opts.base, opts.connections, opts.timeoutMs);
  }

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const [result] = await this.batchOrSingle([{ method, params }], false);
    return result as T;
  }

  /** Many calls in one HTTP request; results in call order. Any failed call fails the batch. */
  async batch<T = unknown>(calls: readonly RpcCall[]): Promise<T[]> {
    if (calls.length === 0) return [];
    return (await this.batchOrSingle(calls, true)) as T[];
  }

  /**
   * Many calls in one HTTP request, each answered on its own: a call the node refuses (-5 for a
   * transaction that left the mempool) is that call's error, the others keep their results. The
   * request as a whole is retried like any other (busy node, proxy page, restart).
   */
  async batchSettled<T = unknown>(calls: readonly RpcCall[]): Promise<Settled<T>[]> {
    if (calls.length === 0) return [];
    return this.exchange(calls, true, (replies, ids, status, body, label) =>
      calls.map((c, i): Settled<T> => {
        try {
          return { ok: true, result: this.answer(replies, ids[i]!, c, status, body, label) as T };
        } catch (err) {
          if (err instanceof SourceError && err.details.code !== undefined && err.details.code !== RPC_IN_WARMUP)
            return { ok: false, error: err };
          throw err;
        }
      }),
    );
  }

  private batchOrSingle(calls: readonly RpcCall[], asBatch: boolean): Promise<unknown[]> {
    return this.exchange(calls, asBatch, (replies, ids, status, body, label) =>
      calls.map((c, i) => this.answer(replies, ids[i]!, c, status, body, label)),
    );
  }

  /** One HTTP exchange (retried as a whole), its replies handed to `read`. */
  private exchange<R>(
    calls: readonly RpcCall[],
    asBatch: boolean,
    read: (replies: Replies, ids: number[], status: number, body: string, label: string) => R,
  ): Promise<R> {
    const label = asBatch ? `batch(${calls.length}× ${calls[0]!.method})` : calls[0]!.method;
    return withRetry(
      { service: SERVICE, endpoint: label },
      this.opts.retry,
      this.opts.logger,
      () => this.once(calls, asBatch, read, label),
      this.opts.outage,
    );
  }

  /** One attempt of one exchange: no retry, no outage wait. */
  private async once<R>(
    calls: readonly RpcCall[],
    asBatch: boolean,
    read: (replies: Replies, ids: number[], status: number, body: string, label: string) => R,
    label: string,
  ): Promise<R> {
    const ids = calls.map(() => this.nextId++);
    const requests = calls.map((c, i) => ({ jsonrpc: '2.0', id: ids[i], method: c.method, params: c.params ?? [] }));
    const { status, body } = await this.post(JSON.stringify(asBatch ? requests : requests[0]), label);
    const list = this.parseReplies(body, status, label, asBatch);
    return read({ list, byId: new Map(list.map((r) => [r.id, r])) }, ids, status, body, label);
  }

  /** One `method` call, one attempt: resolves only when the node answers it (the restart wait's probe). */
  async probe(method = 'getblockchaininfo'): Promise<void> {
    const c = [{ method, params: [] }];
    await this.once(
      c,
      false,
      (replies, ids, status, body, label) => this.answer(replies, ids[0]!, c[0]!, status, body, label),
      method,
    );
  }

  /** The result of call `c` (request id `id`), or the error the node answered for it. */
  private answer(replies: Replies, id: number, c: RpcCall, status: number, body: string, label: string): unknown {
    const r = replies.byId.get(id);
    if (!r) {
      // Core answers a request it could not read with an error and id null: its answer.
      const whole = replies.list.find((x) => x.id === null && isRpcError(x.error));
      if (whole) throw rpcError(c.method, whole.error!, status);
      // A 5xx whose JSON is no reply to us is a proxy's page (or a node restarting), not the node's answer.
      if (status >= 500) throw notAnRpcReply(label, status, body);
      throw new SourceError(`Bitcoin Core RPC ${c.method}: no reply for request id ${id}`, {
        service: SERVICE,
        endpoint: c.method,
        status,
      });
    }
    if (r.error) throw rpcError(c.method, r.error, status);
    return r.result;
  }

  /**
   * One `method` call whose reply body is handed to `onData` as it arrives (getrawmempool's ~20 MB
   * for 300k transactions need never be held whole); resolves with the HTTP status. The caller
   * reads the reply; credentials, 403 and 503 are handled as for every call. No retry: what was
   * handed on cannot be taken back.
   */
  async stream(
    method: string,
    params: unknown[],
    onData: (chunk: Buffer) => void,
    authRetried = false,
  ): Promise<number> {
    const authorization = await this.opts.auth.header();
    const body = JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params });
    let small = '';
    const res = await this.pool.stream(
      '/',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      },
      (chunk, status) => {
        // A reply (200, or Core's own error body at 404/500) is the caller's; anything else is short.
        if (status === 200 || status === 404 || status === 500) onData(chunk);
        else if (small.length < 200) small += chunk.toString('latin1');
      },
    );
    const status = res.statusCode;
    if (status === 401 && !authRetried && (await this.opts.auth.refresh(authorization)))
      return this.stream(method, params, onData, true);
    this.refuse(status, small, method);
    return status;
  }

  /** The statuses that are no JSON-RPC reply: credentials refused, forbidden, busy. */
  private refuse(status: number, text: string, label: string): void {
    if (status === 401)
      throw new SourceError(
        `Bitcoin Core refused the RPC credentials (HTTP 401) for ${label}; check ${this.opts.auth.kind === 'cookie' ? 'BITCOIN_RPC_COOKIE_FILE (bitcoind rewrites it at each start)' : 'BITCOIN_RPC_USER and BITCOIN_RPC_PASSWORD'}`,
        { service: SERVICE, endpoint: label, status: 401, retryable: false },
      );
    if (status === 403)
      throw new SourceError(`Bitcoin Core forbids ${label} (HTTP 403); check rpcallowip / rpcwhitelist`, {
        service: SERVICE,
        endpoint: label,
        status: 403,
        retryable: false,
      });
    if (status === 503)
      throw new SourceError(`Bitcoin Core is busy (HTTP 503: ${text.trim().slice(0, 80)}) for ${label}`, {
        service: SERVICE,
        endpoint: label,
        status: 503,
        retryable: true,
      });
  }

  private async post(body: string, label: string, authRetried = false): Promise<{ status: number; body: string }> {
    const authorization = await this.opts.auth.header();
    const res = await this.pool.request('/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body,
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    const text = res.text();
    // A restarted bitcoind has a new cookie: read it again, and send again once if this request's
    // own header was the stale one.
    if (res.statusCode === 401 && !authRetried && (await this.opts.auth.refresh(authorization)))
      return this.post(body, label, true);
    this.refuse(res.statusCode, text, label);
    return { status: res.statusCode, body: text };
  }

  private parseReplies(body: string, status: number, label: string, asBatch: boolean): RpcReply[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new SourceError(
        `Bitcoin Core ${label}: HTTP ${status} with a body that is not JSON: ${JSON.stringify(body.slice(0, 80))}`,
        {
          service: SERVICE,
          endpoint: label,
          status,
          retryable: status >= 500,
        },
      );
    }
    const list = asBatch ? parsed : [parsed];
    if (!Array.isArray(list) || list.some((r) => r === null || typeof r !== 'object')) {
      // A request that failed as a whole (e.g. Core's parse error) still carries a JSON-RPC error
      // object: the node's answer. Anything else at a 5xx is a proxy's page: worth another try.
      const err = (parsed as RpcReply | null)?.error;
      if (isRpcError(err)) throw rpcError(label, err, status);
      if (status >= 500) throw notAnRpcReply(label, status, body);
      throw new SourceError(`Bitcoin Core ${label}: HTTP ${status}, reply of the wrong shape`, {
        service: SERVICE,
        endpoint: label,
        status,
      });
    }
    return list as RpcReply[];
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
