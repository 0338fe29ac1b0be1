// The fake backend's REST routes, in mempool's wire format: `/api/v1/prices` ({time, USD, EUR, …},
// -1 for a currency without a feed), `/api/v1/fees/recommended` (integer-ish sat/vB; 503 "Service
// Unavailable" while the mempool is not in sync), `/api/v1/blocks/tip/height` and `/api/v1/tx/:txid`
// (Esplora-compatible, text/plain height, "Transaction not found" 404).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeMempoolState } from './state.js';

export interface RestControls {
  latencyMs: number;
  /** '503': answer every request with 503; 'refuse' is handled by the server (it stops listening). */
  down: false | '503' | 'refuse';
  /** Accept requests and never answer them. */
  hang: boolean;
  /** `fees/recommended` answers 503 as mempool does before its mempool is in sync. */
  notInSync: boolean;
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function createRestHandler(
  state: FakeMempoolState,
  controls: RestControls,
  requests: Map<string, number>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api\/v1\//, '/api/');
    if (controls.down === '503') return send(res, 503, 'Service Unavailable', 'text/plain');
    if (req.method !== 'GET') return send(res, 405, 'Method Not Allowed', 'text/plain');
    if (path === '/api/prices') return send(res, 200, JSON.stringify(state.prices));
    if (path === '/api/fees/recommended') {
      if (controls.notInSync) return send(res, 503, 'Service Unavailable', 'text/plain');
      return send(res, 200, JSON.stringify(state.fees));
    }
    if (path === '/api/blocks/tip/height') return send(res, 200, String(state.tipHeight), 'text/plain');
    const tx = /^\/api\/tx\/([^/]+)$/.exec(path);
    if (tx) {
      const found = state.mempool.get(tx[1] as string);
      return found ? send(res, 200, JSON.stringify(found)) : send(res, 404, 'Transaction not found', 'text/plain');
    }
    send(res, 404, 'Not Found', 'text/plain');
  };

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    if (controls.hang) return; // the socket stays open until the client gives up or the fake closes
    if (controls.latencyMs > 0) {
      setTimeout(() => route(req, res), controls.latencyMs);
      return;
    }
    route(req, res);
  };
}
