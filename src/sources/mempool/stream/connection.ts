// One WebSocket connection to mempool, from connect to its end, with the liveness rules:
// a connect timeout, an app-level ping after `pingIntervalMs` of silence, and "dead" when nothing at
// all arrives within `pongTimeoutMs` of that ping. The stream (stream.ts) owns reconnecting.
//
// undici's WebSocket has no way to drop a socket without the closing handshake, and a dead peer never
// answers it, so each connection gets its own Agent whose connector remembers the raw sockets: ending a
// connection destroys them, and no handle outlives it.
import type { Socket } from 'node:net';
import type { Agent, WebSocket } from 'undici';
import { undici } from '../../../lib/commonjs.js';

export interface ConnectionOptions {
  url: string;
  /** Messages sent right after the socket opens (the subscriptions). */
  hello: readonly string[];
  connectTimeoutMs: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** How long a polite close may wait for the server's close frame before the socket is destroyed. */
  closeTimeoutMs: number;
}

export interface ConnectionHandlers {
  open(): void;
  message(text: string): void;
  /** Called exactly once per connection, whatever ended it. */
  end(reason: string, code?: number): void;
}

export class Connection {
  private readonly agent: Agent;
  private readonly sockets = new Set<Socket>();
  private readonly ws: WebSocket;
  private connectTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private deadTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly on: ConnectionHandlers,
  ) {
    const connect = undici().buildConnector({});
    this.agent = new (undici().Agent)({
      connect: (options, callback) =>
        connect(options, (err, socket) => {
          if (socket) this.sockets.add(socket);
          (callback as (e: Error | null, s: unknown) => void)(err, socket);
        }),
    });
    this.ws = new (undici().WebSocket)(opts.url, { dispatcher: this.agent });
    this.connectTimer = setTimeout(
      () => this.end(`no WebSocket handshake within ${opts.connectTimeoutMs} ms`),
      opts.connectTimeoutMs,
    );
    this.ws.addEventListener('open', this.onOpen);
    this.ws.addEventListener('message', this.onMessage);
    this.ws.addEventListener('close', this.onClose);
    // 'error' is always followed by 'close' in the WHATWG WebSocket; the close carries the reason.
    this.ws.addEventListener('error', () => {});
  }

  send(text: string): boolean {
    if (this.ended || this.ws.readyState !== undici().WebSocket.OPEN) return false;
    this.ws.send(text);
    return true;
  }

  /** Ends the connection: a close frame, then the sockets destroyed after closeTimeoutMs at most. */
  close(reason = 'closed by client'): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(backstop);
        this.end(reason, 1000);
        resolve();
      };
      const backstop = setTimeout(done, this.opts.closeTimeoutMs);
      this.ws.addEventListener('close', done);
      try {
        this.ws.close(1000, 'bye');
      } catch {
        done();
      }
    });
  }

  private readonly onOpen = (): void => {
    clearTimeout(this.connectTimer);
    for (const text of this.opts.hello) this.ws.send(text);
    this.idleTimer = setTimeout(this.onIdle, this.opts.pingIntervalMs);
    this.on.open();
  };

  private readonly onMessage = (ev: { data: unknown }): void => {
    if (this.ended) return;
    // Any message proves the connection alive: push the ping back and forget a pending pong wait.
    this.idleTimer?.refresh();
    if (this.deadTimer) {
      clearTimeout(this.deadTimer);
      this.deadTimer = undefined;
    }
    const data: unknown = ev.data;
    const text = typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8');
    this.on.message(text);
  };

  private readonly onClose = (ev: { code: number; reason: string }): void => {
    this.end(ev.reason ? `server closed: ${ev.reason}` : `connection closed (code ${ev.code})`, ev.code);
  };

  private readonly onIdle = (): void => {
    if (this.ended) return;
    this.send(JSON.stringify({ action: 'ping' }));
    // A second idle period before the deadline (pongTimeoutMs > pingIntervalMs) pings again but
    // keeps the first deadline.
    this.deadTimer ??= setTimeout(
      () => this.end(`no message within ${this.opts.pongTimeoutMs} ms of a ping`),
      this.opts.pongTimeoutMs,
    );
    this.idleTimer?.refresh();
  };

  private end(reason: string, code?: number): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.connectTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.deadTimer);
    this.ws.removeEventListener('open', this.onOpen);
    this.ws.removeEventListener('message', this.onMessage);
    this.ws.removeEventListener('close', this.onClose);
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.agent.destroy().catch(() => {});
    this.on.end(reason, code);
  }
}
