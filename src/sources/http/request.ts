// HTTP requests on node:http / node:https, for the node's RPC and REST, the REST services and the
// alert webhook. These are plain request/response calls on a few keep-alive connections, which
// Node's own client does well; loading undici for them cost ~110 ms of every cron run's start
// (undici is still used, lazily, for whale-watch's WebSocket).
//
// Failures keep the shapes the retry logic knows: connection errors carry Node's codes
// (ECONNREFUSED, ECONNRESET...), an idle connection past the timeout is an ETIMEDOUT error, and
// an aborted signal rejects with the signal's reason (TimeoutError / AbortError).
import http from 'node:http';
import https from 'node:https';
import { electrumAnswer, tlsFailure } from './tls.js';
import { joinUrl } from './url.js';

export interface HttpResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: Uint8Array;
  text(): string;
}

export interface RequestOptions {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** No byte received for this long (connecting, waiting for headers, or between body chunks): ETIMEDOUT. */
  idleTimeoutMs: number;
  signal?: AbortSignal;
  agent?: http.Agent;
  /** Names the service in a TLS failure's message ("Bitcoin Core", "electrs"); default the host. */
  service?: string;
}

class IdleTimeout extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`no data for ${ms} ms`);
  }
}

function response(res: http.IncomingMessage, chunks: Buffer[], length: number): HttpResponse {
  // One copy into a buffer of its own (a block is handed to a parser thread as a whole).
  const body = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return {
    statusCode: res.statusCode ?? 0,
    headers: res.headers,
    body,
    text: () => Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'),
  };
}

/** One request; resolves once the whole body has arrived. */
export function request(url: URL, opts: RequestOptions): Promise<HttpResponse> {
  const chunks: Buffer[] = [];
  let length = 0;
  return exchange(url, opts, (c) => {
    chunks.push(c);
    length += c.length;
  }).then((res) => response(res, chunks, length));
}

/**
 * One request whose body is handed to `onData` chunk by chunk as it arrives (a 20 MB answer need never
 * be held whole); resolves with the status and headers once it has ended.
 */
export function requestStream(
  url: URL,
  opts: RequestOptions,
  onData: (chunk: Buffer, statusCode: number) => void,
): Promise<Pick<HttpResponse, 'statusCode' | 'headers'>> {
  return exchange(url, opts, onData).then((res) => ({ statusCode: res.statusCode ?? 0, headers: res.headers }));
}

function exchange(
  url: URL,
  opts: RequestOptions,
  onData: (chunk: Buffer, statusCode: number) => void,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason as Error);
    const client = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
    const req = client.request(url, { method: opts.method, headers, agent: opts.agent });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(err);
    };
    const onAbort = () => fail(opts.signal!.reason as Error);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.setTimeout(opts.idleTimeoutMs, () => fail(new IdleTimeout(opts.idleTimeoutMs)));
    req.on('error', (err) => {
      const service = opts.service ?? url.host;
      fail(tlsFailure(err, url, service) ?? electrumAnswer(err, url, service) ?? err);
    });
    req.on('response', (res) => {
      res.on('data', (c: Buffer) => {
        if (settled) return;
        try {
          onData(c, res.statusCode ?? 0);
        } catch (err) {
          fail(err as Error);
        }
      });
      res.on('error', fail);
      res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(res);
      });
    });
    req.end(opts.body);
  });
}

/**
 * Keep-alive connections to one service, at most `connections` at a time (the rest queue). Paths are
 * appended to the base URL's own path, so a prefix (`https://host/bitcoin`) is kept.
 */
export class HttpPool {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(
    base: URL | string,
    connections: number,
    private readonly timeoutMs: number,
    private readonly service?: string,
  ) {
    this.base = new URL(base);
    const Agent = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: connections });
  }

  request(path: string, opts: Omit<RequestOptions, 'agent' | 'idleTimeoutMs'>): Promise<HttpResponse> {
    return request(joinUrl(this.base, path), {
      service: this.service,
      ...opts,
      idleTimeoutMs: this.timeoutMs,
      agent: this.agent,
    });
  }

  /** A request whose body goes to `onData` as it arrives (see requestStream). */
  stream(
    path: string,
    opts: Omit<RequestOptions, 'agent' | 'idleTimeoutMs'>,
    onData: (chunk: Buffer, statusCode: number) => void,
  ): ReturnType<typeof requestStream> {
    return requestStream(
      joinUrl(this.base, path),
      { service: this.service, ...opts, idleTimeoutMs: this.timeoutMs, agent: this.agent },
      onData,
    );
  }

  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }
}
