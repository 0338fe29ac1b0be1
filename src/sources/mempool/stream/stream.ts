// MempoolStream: a long-lived subscription to mempool's WebSocket (`/api/v1/ws`) that survives
// backend restarts. It connects, subscribes, turns every message into typed events, notices
// `mempool-transactions` sequence jumps, and reconnects with jittered exponential backoff, forever.
//
// Two ways to consume, usable together:
//   stream.on('transactions', (ev) => …)      handlers run synchronously as each message is read;
//                                             a throwing (or rejecting) handler is reported through
//                                             `onHandlerError` and never stops the stream.
//   for await (const ev of stream.events())   a bounded buffer; the loop ends when close() is called.
// `close()` ends the socket, every timer and every iterator, so the process can exit.
import { ConfigError } from '../../../errors.js';
import { type BackoffOptions, createBackoff } from './backoff.js';
import { Connection } from './connection.js';
import { parseMessage } from './dispatch.js';
import { EventQueue } from './eventQueue.js';
import type { EventOf, StreamEvent, StreamEventType } from './types.js';

export interface MempoolStreamOptions {
  /** e.g. ws://localhost:8999/api/v1/ws (MEMPOOL_WS_URL). */
  url: string;
  /** `{"action":"want","data":…}` topics; default blocks and mempool-blocks. */
  want?: readonly string[];
  /** Send `{"track-mempool": true}` for `mempool-transactions` deltas; default true. */
  trackMempool?: boolean;
  backoff?: BackoffOptions;
  /** Silence before an app-level `{"action":"ping"}`, ms (default 30000). */
  pingIntervalMs?: number;
  /** After a ping, silence that declares the connection dead, ms (default 10000). */
  pongTimeoutMs?: number;
  connectTimeoutMs?: number;
  closeTimeoutMs?: number;
  /** Events buffered for `events()` consumers before new ones are dropped (default 100000). */
  maxQueued?: number;
  onHandlerError?: (err: unknown, event: StreamEvent) => void;
}

export interface MempoolStreamStats {
  connects: number;
  messages: number;
  events: number;
  invalid: number;
  gaps: number;
  /** Deltas that repeated the previous sequence number (the backend out of sync; not gaps). */
  repeats: number;
  handlerErrors: number;
  /** Events dropped because an `events()` consumer fell too far behind. */
  dropped: number;
}

type Handler = (event: StreamEvent) => unknown;

/** The subscription messages, exactly as sent after each (re)connect. */
export function subscriptionMessages(want: readonly string[], trackMempool: boolean): string[] {
  const out = [JSON.stringify({ action: 'want', data: want })];
  if (trackMempool) out.push(JSON.stringify({ 'track-mempool': true }));
  return out;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(`MempoolStream: ${name} must be a positive number, got ${value}`, name);
  return value;
}

export class MempoolStream {
  readonly stats: MempoolStreamStats = {
    connects: 0,
    messages: 0,
    events: 0,
    invalid: 0,
    gaps: 0,
    repeats: 0,
    handlerErrors: 0,
    dropped: 0,
  };
  private readonly handlers = new Map<StreamEventType | '*', Set<Handler>>();
  private readonly queues = new Set<EventQueue<StreamEvent>>();
  private readonly backoff;
  private readonly hello: string[];
  private conn: Connection | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Consecutive connections that ended before delivering a message; drives the backoff step. */
  private failures = 0;
  private lastSequence: number | undefined;
  private started = false;
  private closed = false;
  private isOpen = false;

  constructor(private readonly opts: MempoolStreamOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new ConfigError(`MEMPOOL_WS_URL must be a ws:// or wss:// URL, got "${opts.url}"`, 'MEMPOOL_WS_URL');
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw new ConfigError(`MEMPOOL_WS_URL must be a ws:// or wss:// URL, got "${opts.url}"`, 'MEMPOOL_WS_URL');
    }
    for (const k of ['pingIntervalMs', 'pongTimeoutMs', 'connectTimeoutMs', 'closeTimeoutMs', 'maxQueued'] as const) {
      if (opts[k] !== undefined) positive(k, opts[k]);
    }
    this.backoff = createBackoff(opts.backoff);
    this.hello = subscriptionMessages(opts.want ?? ['blocks', 'mempool-blocks'], opts.trackMempool ?? true);
  }

  /** Starts connecting; returns this for chaining. Calling it again does nothing. */
  start(): this {
    if (this.started || this.closed) return this;
    this.started = true;
    this.connect();
    return this;
  }

  get connected(): boolean {
    return this.isOpen;
  }

  on<T extends StreamEventType>(type: T | '*', handler: (event: EventOf<T>) => unknown): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  /** An async iterator over every event from now on; ends when the stream is closed. */
  events(): AsyncIterableIterator<StreamEvent> {
    const q = new EventQueue<StreamEvent>(this.opts.maxQueued ?? 100_000);
    if (this.closed) q.end();
    else this.queues.add(q);
    return q;
  }

  /** Sends a raw message on the open connection (e.g. an extra subscription); false when not connected. */
  send(message: unknown): boolean {
    return this.conn?.send(JSON.stringify(message)) ?? false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await conn.close();
    for (const q of this.queues) {
      this.stats.dropped += q.dropped;
      q.end();
    }
    this.queues.clear();
  }

  private connect(): void {
    if (this.closed) return;
    const attempt = this.stats.connects++;
    let delivered = false;
    const conn: Connection = new Connection(
      {
        url: this.opts.url,
        hello: this.hello,
        connectTimeoutMs: this.opts.connectTimeoutMs ?? 10_000,
        pingIntervalMs: this.opts.pingIntervalMs ?? 30_000,
        pongTimeoutMs: this.opts.pongTimeoutMs ?? 10_000,
        closeTimeoutMs: this.opts.closeTimeoutMs ?? 1000,
      },
      {
        open: () => {
          this.isOpen = true;
          // A new connection starts a new count: what was missed while away is the consumer's
          // catch-up to find (the backend sends no snapshot), not a gap of this connection.
          this.lastSequence = undefined;
          this.emit({ type: 'connected', url: this.opts.url, attempt });
        },
        message: (text) => {
          if (!delivered) {
            delivered = true;
            this.failures = 0;
          }
          this.onMessage(text);
        },
        end: (reason, code) => {
          this.isOpen = false;
          if (this.conn !== conn) return; // closed on purpose
          this.conn = undefined;
          if (this.closed) return;
          const retryInMs = this.backoff.delay(this.failures++);
          this.emit(
            code === undefined
              ? { type: 'disconnected', reason, retryInMs }
              : { type: 'disconnected', reason, code, retryInMs },
          );
          if (this.closed) return; // a handler may close the stream on disconnect
          this.retryTimer = setTimeout(() => this.connect(), retryInMs);
        },
      },
    );
    this.conn = conn;
  }

  private onMessage(text: string): void {
    this.stats.messages++;
    for (const event of parseMessage(text)) {
      if (event.type === 'invalid') this.stats.invalid++;
      if (event.type === 'transactions') this.checkSequence(event.sequence);
      this.emit(event);
    }
  }

  /**
   * mempool numbers its deltas with one global counter that advances only while the backend is in
   * sync (websocket-handler.ts `$handleMempoolChange` / `handleNewBlock`: `if (memPool.isInSync())
   * this.mempoolSequence++`): out of sync, every message repeats the last number, and each one still
   * carries real changes. So only a jump (n, then more than n+1) or a step back (a backend restart
   * behind a proxy that kept the socket) means deltas were missed; a repeat is reported as such.
   */
  private checkSequence(got: number): void {
    const last = this.lastSequence;
    this.lastSequence = got;
    if (last === undefined) return;
    if (got === last) {
      this.stats.repeats++;
      this.emit({ type: 'repeat', sequence: got });
    } else if (got !== last + 1) {
      this.stats.gaps++;
      this.emit({ type: 'gap', expected: last + 1, got });
    }
  }

  private emit(event: StreamEvent): void {
    this.stats.events++;
    for (const q of this.queues) q.push(event);
    this.call(this.handlers.get(event.type), event);
    this.call(this.handlers.get('*'), event);
  }

  private call(set: Set<Handler> | undefined, event: StreamEvent): void {
    if (!set) return;
    for (const handler of set) {
      try {
        const result = handler(event);
        if (result instanceof Promise) result.catch((err: unknown) => this.handlerFailed(err, event));
      } catch (err) {
        this.handlerFailed(err, event);
      }
    }
  }

  private handlerFailed(err: unknown, event: StreamEvent): void {
    this.stats.handlerErrors++;
    try {
      this.opts.onHandlerError?.(err, event);
    } catch {
      // The error reporter itself failing must not take the stream down either.
    }
  }
}

/** Creates and starts a stream. */
export function createMempoolStream(options: MempoolStreamOptions): MempoolStream {
  return new MempoolStream(options).start();
}
