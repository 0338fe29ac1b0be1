// The fake backend's REST routes, in mempool's wire format (bitcoin.routes.ts, prices.routes.ts):
//   - `/api/v1/prices`: {time, USD, EUR, …}, -1 for a currency without a feed (time 0 and -1 before
//     any feed answered: price-updater.ts);
//   - `/api/v1/fees/recommended`: 503 "Service Unavailable" while the mempool is not in sync;
//   - `/api/v1/blocks/tip/height`: text/plain, on every backend;
//   - `/api/v1/backend-info`: {hostname, version, gitCommit, lightning, backend, coreVersion, osVersion};
//     `backend` only from v3.0 (backend-info.ts, commit df72829);
//   - the Esplora-shaped routes mempool registers only when its BACKEND is not 'esplora':
//     `/api/v1/mempool/txids` (Core's getrawmempool), `/api/v1/tx/:txid` and `/tx/:txid/status`
//     (getTransaction/getTransactionStatus: prevouts filled through Core's getrawtransaction, so a
//     confirmed parent without txindex fails: 500 {"error":"Failed to get transaction"}, since Core's
//     -5 then says "No such mempool transaction. Use -txindex…" and only "No such mempool or blockchain
//     transaction" is turned into a 404), `/api/v1/blocks/tip/hash`. On 'esplora' these are express's
//     404 "Cannot GET …".
import type { IncomingMessage, ServerResponse } from 'node:http';
import { esploraTx } from './esploraView.js';
import type { FakeMempoolState } from './state.js';
import type { FakeTx } from './txs.js';

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

/** express's default 404 (finalhandler) for a route the backend did not register. */
function cannotGet(res: ServerResponse, path: string): void {
  send(
    res,
    404,
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET ${path}</pre>\n</body>\n</html>\n`,
    'text/html; charset=utf-8',
  );
}

/** utils/api.ts handleError: JSON when the client accepts it (ours sends no Accept: it does). */
const failure = (res: ServerResponse, status: number, error: string) => send(res, status, JSON.stringify({ error }));

export function createRestHandler(
  state: FakeMempoolState,
  controls: RestControls,
  requests: Map<string, number>,
): (req: IncomingMessage, res: ServerResponse) => void {
  /** A transaction as getTransaction finds it through Core: with its prevouts, or why not. */
  const lookup = (txid: string): { tx: FakeTx; status: Record<string, unknown> } | 'needs-txindex' | 'unknown' => {
    const pending = state.mempool.get(txid);
    if (pending && !state.conflicted.has(txid)) {
      // $addPrevouts asks Core for every parent: a confirmed one needs txindex.
      const confirmedParent = pending.vin.some((v) => !v.is_coinbase && !state.mempool.has(v.txid));
      if (confirmedParent && !state.txindex) return 'needs-txindex';
      return { tx: pending, status: { confirmed: false } };
    }
    const mined = state.confirmed.get(txid);
    if (mined) return state.txindex ? { tx: mined.tx, status: mined.status } : 'needs-txindex';
    return state.txindex ? 'unknown' : 'needs-txindex';
  };

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
    if (path === '/api/backend-info') {
      const info: Record<string, unknown> = {
        hostname: 'fake-mempool',
        version: state.version,
        gitCommit: '0123456789abcdef',
        lightning: false,
      };
      if (!/^v?[0-2]\./.test(state.version))
        Object.assign(info, { backend: state.backend, coreVersion: '/Satoshi:28.1.0/', osVersion: 'Linux 6.1.0' });
      return send(res, 200, JSON.stringify(info));
    }
    const esploraShaped =
      path === '/api/mempool/txids' || path === '/api/blocks/tip/hash' || /^\/api\/tx\/[^/]+(\/status)?$/.test(path);
    if (esploraShaped && state.backend === 'esplora') return cannotGet(res, req.url ?? path);
    if (path === '/api/mempool/txids')
      return send(res, 200, JSON.stringify([...state.mempool.keys()].filter((id) => !state.conflicted.has(id))));
    if (path === '/api/blocks/tip/hash') {
      const last = state.blocks[state.blocks.length - 1];
      return send(res, 200, typeof last?.id === 'string' ? last.id : '0'.repeat(64), 'text/plain');
    }
    const tx = /^\/api\/tx\/([^/]+)(\/status)?$/.exec(path);
    if (tx) {
      if (!/^[a-f0-9]{64}$/i.test(tx[1]!)) return failure(res, 400, 'Invalid transaction ID');
      const found = lookup(tx[1]!.toLowerCase());
      const what = tx[2] ? 'Failed to get transaction status' : 'Failed to get transaction';
      if (found === 'needs-txindex') return failure(res, 500, what);
      if (found === 'unknown') return failure(res, 404, 'No such mempool or blockchain transaction');
      const body = esploraTx(found.tx, found.status);
      return send(res, 200, JSON.stringify(tx[2] ? body.status : body));
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
