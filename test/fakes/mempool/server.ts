// startFakeMempool: a mempool backend on 127.0.0.1 (REST + WebSocket on one port, like the real
// backend's 8999) for tests, benches and the demo. Plain parameters in, controls out; no test
// framework inside (this file is compiled into dist and used by the demo).
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EsploraView } from '../electrs/server.js';
import type { Json } from './blocks.js';
import { esploraViewOf } from './esploraView.js';
import { type RestControls, createRestHandler } from './rest.js';
import { FakeMempoolState, type FakeMempoolStateOptions } from './state.js';
import type { FakeTx } from './txs.js';
import { type MineOptions, FakeMempoolUpdates } from './updates.js';
import { type CutMode, FakeMempoolWs, type ReceivedMessage } from './wsServer.js';

export interface FakeMempoolOptions extends FakeMempoolStateOptions {
  latencyMs?: number;
  /** Default 0 (any free port). */
  port?: number;
}

export interface FakeMempool {
  /** http://127.0.0.1:<port> (MEMPOOL_API_URL). */
  readonly url: string;
  /** ws://127.0.0.1:<port>/api/v1/ws (MEMPOOL_WS_URL). */
  readonly wsUrl: string;
  readonly state: FakeMempoolState;
  /** Requests served, by path. */
  readonly requests: Map<string, number>;
  /** Messages clients sent on the WebSocket. */
  readonly received: ReceivedMessage[];
  /** `mempool-transactions` messages sent so far, once per tracking client. */
  deltasSent(): number;
  /** What an electrs on the same Bitcoin Core sees (give it to startFakeElectrs as `view`). */
  readonly esplora: EsploraView;
  // REST controls
  setPrice(usd: number, time?: number): void;
  /** Serve this body from /api/v1/prices as-is (wrong shapes, -1, strings…). */
  setPricesBody(body: Json): void;
  setFees(fees: Json): void;
  setLatency(ms: number): void;
  /** false = up; '503' = every request answers 503; 'refuse' = the port stops listening. */
  setDown(mode: boolean | '503' | 'refuse'): Promise<void>;
  /** Accept requests and never answer (true), or answer again (false). */
  hang(on?: boolean): void;
  setNotInSync(on: boolean): void;
  // WebSocket controls
  clientCount(): number;
  waitForClients(n: number, timeoutMs?: number, tracking?: boolean): Promise<void>;
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  addTxs(txs: FakeTx[]): void;
  addSerialized(addedJson: string): number;
  removeTxs(txids: string[]): void;
  replace(replacedTxid: string, by: FakeTx): void;
  /** A mempool update with nothing new: no message, but the 10-update RBF window ages. */
  update(): boolean;
  /** While false the sequence number stops advancing (mempool out of sync): messages repeat it. */
  setInSync(on: boolean): void;
  mineBlock(o?: MineOptions): Json;
  sendMempoolBlocks(blocks?: Json[]): void;
  skipSequence(count?: number): void;
  setMempoolBlocksOnUpdate(on: boolean): void;
  sendRaw(text: string): void;
  cutConnections(mode?: CutMode): void;
  /** WebSocket accepts and reads but never answers or pushes. */
  setWsSilent(on: boolean): void;
  /** Refuse WebSocket upgrades with 503. */
  setRejectWs(on: boolean): void;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startFakeMempool(opts: FakeMempoolOptions = {}): Promise<FakeMempool> {
  const state = new FakeMempoolState(opts);
  const controls: RestControls = { latencyMs: opts.latencyMs ?? 0, down: false, hang: false, notInSync: false };
  const requests = new Map<string, number>();
  const server = createServer(createRestHandler(state, controls, requests));
  const ws = new FakeMempoolWs(state);
  ws.attach(server);
  const updates = new FakeMempoolUpdates(state, ws);
  const port = await listen(server, opts.port ?? 0);
  let listening = true;
  // Upgraded WebSocket sockets leave the http server's books; track them to close them on close().
  const upgraded = new Set<import('node:stream').Duplex>();
  server.on('upgrade', (_req, socket) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });

  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      if (!listening) return resolve();
      listening = false;
      ws.cut('terminate');
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/ws`,
    state,
    requests,
    received: ws.received,
    esplora: esploraViewOf(state),
    deltasSent: () => ws.deltasSent,
    setPrice: (usd, time) => state.setPrice(usd, time),
    setPricesBody: (body) => {
      state.prices = body;
    },
    setFees: (fees) => {
      state.fees = fees;
    },
    setLatency: (ms) => {
      controls.latencyMs = ms;
    },
    async setDown(mode) {
      if (mode === 'refuse') {
        controls.down = false;
        await stopListening();
        return;
      }
      controls.down = mode === true || mode === '503' ? '503' : false;
      if (!listening) {
        await listen(server, port);
        listening = true;
      }
    },
    hang: (on = true) => {
      controls.hang = on;
    },
    setNotInSync: (on) => {
      controls.notInSync = on;
    },
    clientCount: () => ws.clientCount,
    waitForClients: (n, timeoutMs, tracking) => ws.waitForClients(n, timeoutMs, tracking),
    waitFor: (p, t, what) => ws.waitFor(p, t, what),
    addTxs: (txs) => updates.addTxs(txs),
    addSerialized: (json) => updates.addSerialized(json),
    removeTxs: (txids) => updates.removeTxs(txids),
    replace: (a, b) => updates.replace(a, b),
    update: () => updates.update(),
    setInSync: (on) => {
      state.inSync = on;
    },
    mineBlock: (o) => updates.mineBlock(o),
    sendMempoolBlocks: (blocks) => updates.sendMempoolBlocks(blocks),
    skipSequence: (n) => updates.skipSequence(n),
    setMempoolBlocksOnUpdate: (on) => {
      updates.withMempoolBlocks = on;
    },
    sendRaw: (text) => ws.sendRaw(text),
    cutConnections: (mode) => ws.cut(mode),
    setWsSilent: (on) => {
      ws.silent = on;
    },
    setRejectWs: (on) => {
      ws.rejectUpgrades = on;
    },
    async close() {
      ws.close();
      for (const s of upgraded) s.destroy();
      await stopListening();
    },
  };
}
