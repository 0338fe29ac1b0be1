// The fake backend's WebSocket (`/api/v1/ws`), speaking mempool's protocol as its
// websocket-handler does: {"action":"init"} -> the init data; {"action":"want","data":[…]} -> the
// newly wanted `blocks`/`mempool-blocks` at once and updates later; {"track-mempool":true} ->
// `mempool-transactions` deltas; {"action":"ping"} -> {"pong":true}. Several keys travel in one
// message, each value serialized once and shared by every client (as mempool's getCachedResponse).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeMempoolState } from './state.js';

interface ClientSubs {
  blocks: boolean;
  mempoolBlocks: boolean;
  stats: boolean;
  trackMempool: boolean;
}

export interface ReceivedMessage {
  client: number;
  message: unknown;
}

export type CutMode = 'terminate' | 'close';

export class FakeMempoolWs {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly subs = new Map<WebSocket, ClientSubs & { id: number }>();
  private nextId = 0;
  /** Every message clients sent, parsed, in order (tests check the subscriptions). */
  readonly received: ReceivedMessage[] = [];
  /** Accept and read, but never answer or push: a hung backend. */
  silent = false;
  /** Refuse upgrades with 503, as a backend that is starting. */
  rejectUpgrades = false;
  /** `mempool-transactions` messages sent, counted once per client (tests wait until all are read). */
  deltasSent = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly state: FakeMempoolState,
    readonly path = '/api/v1/ws',
  ) {}

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== this.path || this.rejectUpgrades) {
        const status = url.pathname !== this.path ? '404 Not Found' : '503 Service Unavailable';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
  }

  get clientCount(): number {
    return this.subs.size;
  }

  /** Resolves once `n` clients are connected and `predicate` (default: always) holds. */
  waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`fake mempool: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(check);
    });
  }

  /**
   * Waits for n subscribed clients; with `tracking`, for n that sent `track-mempool` (a client's
   * `want` may arrive first, and mempool-transactions only go to tracking clients).
   */
  waitForClients(n: number, timeoutMs = 5000, tracking = false): Promise<void> {
    return this.waitFor(
      () => this.subscribedCount(tracking) >= n,
      timeoutMs,
      `${n} ${tracking ? 'tracking' : 'subscribed'} client(s)`,
    );
  }

  /** Clients that have asked for anything (a `want` or `track-mempool`), or only those tracking the mempool. */
  subscribedCount(tracking = false): number {
    let n = 0;
    for (const s of this.subs.values())
      if (tracking ? s.trackMempool : s.blocks || s.mempoolBlocks || s.trackMempool) n++;
    return n;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private onConnection(ws: WebSocket): void {
    const sub = { id: this.nextId++, blocks: false, mempoolBlocks: false, stats: false, trackMempool: false };
    this.subs.set(ws, sub);
    ws.on('message', (data) => this.onMessage(ws, sub, (data as Buffer).toString()));
    ws.on('close', () => {
      this.subs.delete(ws);
      this.notify();
    });
    ws.on('error', () => ws.terminate());
    this.notify();
  }

  private onMessage(ws: WebSocket, sub: ClientSubs & { id: number }, text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return; // mempool logs and ignores unparsable input
    }
    this.received.push({ client: sub.id, message: msg });
    if (this.silent || typeof msg !== 'object' || msg === null) return this.notify();
    const response: Record<string, string> = {};
    if (msg.action === 'want' && Array.isArray(msg.data)) {
      const wants = (t: string): boolean => (msg.data as unknown[]).includes(t);
      if (wants('blocks') && !sub.blocks) response.blocks = JSON.stringify(this.state.blocks);
      if (wants('mempool-blocks') && !sub.mempoolBlocks)
        response['mempool-blocks'] = JSON.stringify(this.state.mempoolBlocks());
      sub.blocks = wants('blocks');
      sub.mempoolBlocks = wants('mempool-blocks');
      sub.stats = wants('stats');
    }
    if (msg.action === 'init') {
      ws.send(this.initData());
    }
    if (msg.action === 'ping') response.pong = 'true';
    // `track-mempool` came with v3.0 (websocket-handler.ts); a v2.x backend ignores it and never
    // sends `mempool-transactions`.
    const tracks = !/^v?[0-2]\./.test(this.state.version);
    if (tracks && msg['track-mempool'] === true) sub.trackMempool = true;
    else if (tracks && msg['track-mempool'] === false) sub.trackMempool = false;
    if (Object.keys(response).length > 0) ws.send(serialize(response));
    this.notify();
  }

  private initData(): string {
    const s = this.state;
    return JSON.stringify({
      mempoolInfo: {
        loaded: true,
        size: s.mempool.size,
        bytes: 0,
        usage: 0,
        total_fee: 0,
        maxmempool: 300_000_000,
        mempoolminfee: 0.00001,
        minrelaytxfee: 0.00001,
        incrementalrelayfee: 0.00001,
        unbroadcastcount: 0,
        fullrbf: true,
      },
      vBytesPerSecond: 0,
      'mempool-blocks': s.mempoolBlocks(),
      transactions: s.latestTransactions(),
      loadingIndicators: {},
      fees: s.fees,
      rbfSummary: [],
      blocks: s.blocks,
      conversions: s.prices,
      backendInfo: { hostname: 'fake-mempool', version: '3.1.0-fake', gitCommit: '0000000', lightning: false },
    });
  }

  /**
   * Sends one message per client assembled from the parts it subscribed to. Each part is a
   * pre-serialized JSON value (or undefined = not part of this update).
   */
  broadcast(parts: { block?: string; mempoolBlocks?: string; delta?: string }): number {
    if (this.silent) return 0;
    let sent = 0;
    for (const [ws, sub] of this.subs) {
      if (ws.readyState !== ws.OPEN) continue;
      const response: Record<string, string> = {};
      if (parts.block !== undefined && sub.blocks) response.block = parts.block;
      if (parts.mempoolBlocks !== undefined && sub.mempoolBlocks) response['mempool-blocks'] = parts.mempoolBlocks;
      if (parts.delta !== undefined && sub.trackMempool) {
        response['mempool-transactions'] = parts.delta;
        this.deltasSent++;
      }
      if (Object.keys(response).length === 0) continue;
      ws.send(serialize(response));
      sent++;
    }
    return sent;
  }

  /** Sends text as-is to every connected client (malformed input tests). */
  sendRaw(text: string): void {
    for (const ws of this.subs.keys()) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  /** Drops every client: 'terminate' destroys the TCP socket, 'close' sends a close frame (1012 restart). */
  cut(mode: CutMode = 'terminate'): void {
    for (const ws of this.subs.keys()) {
      if (mode === 'terminate') ws.terminate();
      else ws.close(1012, 'service restart');
    }
  }

  close(): void {
    for (const ws of this.subs.keys()) ws.terminate();
    this.subs.clear();
    this.wss.close();
    this.notify();
  }
}

/** mempool's serializeResponse: `{"key": <already-serialized value>, …}`. */
function serialize(response: Record<string, string>): string {
  return `{${Object.entries(response)
    .map(([k, v]) => `"${k}": ${v}`)
    .join(', ')}}`;
}
