// A fake electrs (Esplora HTTP API, as Blockstream/esplora API.md and electrs' src/rest.rs
// `handle_request`) on 127.0.0.1: tip height/hash as text/plain; `/tx/:txid/status`
// (`query.get_tx_status`: {"confirmed":false} for any txid not in a block, known or not, never
// 404); `/tx/:txid` (`TransactionValue`, prevouts filled; 404 "Transaction not found" when
// `lookup_txn` finds it in neither the chain nor the mempool); "Invalid hex string" 400 for a
// malformed txid (`impl From<FromHexError> for HttpError`); `/mempool/txids` (`mempool().txids()`,
// a JSON array); `/mempool` (`backlog_stats`). The tip can come from outside (a number or a
// function), e.g. the synthetic chain; transactions and the mempool from a view (the fake mempool's).
import { createHash } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TxStatus {
  confirmed: boolean;
  block_height?: number;
  block_hash?: string;
  block_time?: number;
}

export interface Tip {
  height: number;
  hash: string;
}

export type EsploraTx = Record<string, unknown> & { txid: string; status: Record<string, unknown> };

/** electrs' view of the chain and mempool (e.g. the fake mempool's `esplora`). */
export interface EsploraView {
  /** `GET /mempool/txids`. */
  mempoolTxids(): string[];
  /** `GET /tx/:txid` with its status (undefined: 404 "Transaction not found"). */
  tx(txid: string): EsploraTx | undefined;
}

export interface FakeElectrsOptions {
  tipHeight?: number;
  /** Overrides tipHeight: called per request, so the fake follows a chain that grows elsewhere. */
  getTip?: () => number | Tip;
  txStatus?: Map<string, TxStatus> | ((txid: string) => TxStatus | undefined);
  mempoolTxids?: string[];
  /** Serves /tx/:txid, /mempool/txids and statuses from this view (overrides mempoolTxids). */
  view?: EsploraView;
  latencyMs?: number;
  /** Every request answers 503 (electrs behind a proxy whose backend is down). */
  down?: boolean;
}

export interface FakeElectrs {
  readonly url: string;
  readonly requests: Map<string, number>;
  setTip(height: number, hash?: string): void;
  setTxStatus(txid: string, status: TxStatus): void;
  setMempoolTxids(txids: string[]): void;
  /**
   * electrs does not know these transactions (yet): its mempool sync lags Bitcoin Core's, so a
   * transaction the mempool backend already pushed can be missing here for a while (404, not listed).
   */
  setUnknown(txids: readonly string[], unknown?: boolean): void;
  setLatency(ms: number): void;
  setDown(down: boolean): void;
  close(): Promise<void>;
}

const TXID_RE = /^[0-9a-fA-F]{64}$/;

export function fakeElectrsBlockHash(height: number): string {
  return `0000000000000000000${createHash('sha256').update(`electrs-block:${height}`).digest('hex').slice(19)}`;
}

export async function startFakeElectrs(o: FakeElectrsOptions = {}): Promise<FakeElectrs> {
  let tip: Tip = { height: o.tipHeight ?? 850_000, hash: fakeElectrsBlockHash(o.tipHeight ?? 850_000) };
  let getTip = o.getTip;
  const statuses = o.txStatus instanceof Map ? o.txStatus : new Map<string, TxStatus>();
  const lookup = typeof o.txStatus === 'function' ? o.txStatus : undefined;
  let mempoolTxids = o.mempoolTxids ?? [];
  const view = o.view;
  const unknown = new Set<string>();
  const viewTx = (id: string): EsploraTx | undefined => (unknown.has(id) ? undefined : view?.tx(id));
  let latencyMs = o.latencyMs ?? 0;
  let down = o.down ?? false;
  const requests = new Map<string, number>();

  const currentTip = (): Tip => {
    if (!getTip) return tip;
    const t = getTip();
    return typeof t === 'number' ? { height: t, hash: fakeElectrsBlockHash(t) } : t;
  };

  const send = (res: ServerResponse, status: number, body: string, type: string): void => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const json = (res: ServerResponse, value: unknown): void => send(res, 200, JSON.stringify(value), 'application/json');
  const text = (res: ServerResponse, status: number, body: string): void => send(res, status, body, 'text/plain');

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (down) return text(res, 503, 'Service Unavailable');
    if (req.method !== 'GET') return text(res, 405, 'Invalid method');
    if (path === '/blocks/tip/height') return text(res, 200, String(currentTip().height));
    if (path === '/blocks/tip/hash') return text(res, 200, currentTip().hash);
    const listed = (): string[] => (view ? view.mempoolTxids().filter((id) => !unknown.has(id)) : mempoolTxids);
    if (path === '/mempool/txids') return json(res, listed());
    if (path === '/mempool') {
      // electrs' backlog_stats; the fake has no sizes, so it reports a nominal 250 vB per tx.
      const n = listed().length;
      return json(res, { count: n, vsize: n * 250, total_fee: n * 1250, fee_histogram: [] });
    }
    const m = /^\/tx\/([^/]*)(\/status)?$/.exec(path);
    if (m) {
      const txid = m[1] as string;
      if (!TXID_RE.test(txid)) return text(res, 400, 'Invalid hex string');
      const id = txid.toLowerCase();
      if (m[2] === undefined) {
        const tx = viewTx(id);
        return tx ? json(res, tx) : text(res, 404, 'Transaction not found');
      }
      const fromView = viewTx(id)?.status;
      const status = lookup?.(id) ?? statuses.get(id) ?? (fromView?.confirmed === true ? fromView : undefined);
      return json(res, status ?? { confirmed: false });
    }
    text(res, 404, 'Endpoint not found');
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    if (latencyMs > 0) setTimeout(() => route(req, res), latencyMs);
    else route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setTip(height, hash) {
      getTip = undefined;
      tip = { height, hash: hash ?? fakeElectrsBlockHash(height) };
    },
    setTxStatus: (txid, status) => statuses.set(txid.toLowerCase(), status),
    setMempoolTxids: (txids) => {
      mempoolTxids = txids;
    },
    setUnknown: (txids, on = true) => {
      for (const t of txids) {
        if (on) unknown.add(t);
        else unknown.delete(t);
      }
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setDown: (d) => {
      down = d;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
