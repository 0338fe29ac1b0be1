// startFakeBitcoind: an HTTP server on 127.0.0.1 that answers like Bitcoin Core for a synthetic
// chain: JSON-RPC (auth, single and batch, legacy and 2.0 semantics), REST when enabled, the
// datadir files (.cookie, bitcoin.conf) other programs read, and injectable faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { SyntheticBlock, SyntheticChain } from '../chain/index.js';
import type { CoreMempoolView } from '../mempool/coreView.js';
import { FakeAuth, type AuthOptions } from './auth.js';
import { ChainView } from './chainview.js';
import { FaultState, type Faults, type RandomFaults } from './faults.js';
import { handleRpcBody } from './jsonrpc.js';
import type { MethodContext } from './methods.js';
import { handleRest } from './rest.js';

export interface FakeBitcoindOptions {
  chain: SyntheticChain;
  /** Where .cookie and bitcoin.conf go; a fresh temporary directory (removed on close) if omitted. */
  datadir?: string;
  auth: AuthOptions;
  /** Serve /rest/ (bitcoind -rest=1). */
  rest: boolean;
  /** Delay before every answer. */
  latencyMs?: number;
  faults?: Faults;
  /** Core sleeps 250 ms after a failed login to slow brute force; tests may shorten it. */
  authFailDelayMs?: number;
  /** The mempool it holds and the transactions around it (coreViewOf a fake mempool's state). */
  mempool?: CoreMempoolView;
}

export interface LoggedRequest {
  kind: 'rpc' | 'rest' | 'other';
  /** RPC method, or the REST path. */
  name: string;
  status?: number;
}

export interface FakeBitcoind {
  url: string;
  port: number;
  datadir: string;
  cookiePath: string;
  chain: SyntheticChain;
  rotateCookie(): void;
  setWarmingUp(warming: boolean, message?: string): void;
  setInitialBlockDownload(ibd: boolean): void;
  /** Prune block bodies below `height` (headers stay), as bitcoind -prune does; undefined undoes it. */
  setPruneHeight(height: number | undefined): void;
  injectFaults(faults: Faults): void;
  /** Fail a share of every later request at random (see RandomFaults). */
  injectRandomFaults(faults: RandomFaults): void;
  pendingFaults(): Required<Faults>;
  readonly requests: LoggedRequest[];
  /**
   * bitcoind stopping (an upgrade, a crash): the port refuses connections, open ones are reset, and
   * the cookie file is deleted, as Core's shutdown does (DeleteAuthCookie).
   */
  stop(): Promise<void>;
  /**
   * bitcoind starting again on the same port: a new cookie (written before RPC answers, as Core's
   * InitRPCAuthentication does), then `warmupMs` of RPC -28 / REST 503 "Loading block index…".
   */
  start(o?: { warmupMs?: number }): Promise<void>;
  close(): Promise<void>;
}

const WARMUP_MESSAGE = 'Loading block index…';

export async function startFakeBitcoind(options: FakeBitcoindOptions): Promise<FakeBitcoind> {
  const ownDatadir = options.datadir === undefined;
  const datadir = options.datadir ?? mkdtempSync(path.join(tmpdir(), 'fake-bitcoind-'));
  mkdirSync(datadir, { recursive: true });
  const auth = new FakeAuth(options.auth, datadir);
  const view = new ChainView(options.chain);
  const faults = new FaultState();
  if (options.faults) faults.inject(options.faults);
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  let warmup: string | undefined;
  let ibd = false;

  const blockBytes = (b: SyntheticBlock): Uint8Array => {
    if (!faults.takeWrongBlock()) return b.bytes;
    return (options.chain.byHeight(b.height + 1) ?? options.chain.byHeight(b.height - 1)!).bytes;
  };
  const ctx: MethodContext = { view, startedAt: Date.now(), ibd: false, blockBytes, mempool: options.mempool };

  const send = (
    res: ServerResponse,
    status: number,
    body: string | Uint8Array,
    headers: Record<string, string> = {},
  ): void => {
    const write = (): void => {
      if (res.destroyed) return;
      res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
    };
    if (options.latencyMs) setTimeout(write, options.latencyMs);
    else write();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const isRest = url.pathname.startsWith('/rest/') && options.rest;
    const entry: LoggedRequest = {
      kind: isRest ? 'rest' : url.pathname === '/' || url.pathname.startsWith('/wallet/') ? 'rpc' : 'other',
      name: url.pathname,
    };
    const fault = faults.next();
    if (fault === 'reset') {
      requests.push({ ...entry, name: `${entry.name} (reset)` });
      req.socket.destroy();
      return;
    }
    if (fault === 'timeout') {
      requests.push({ ...entry, name: `${entry.name} (hung)` });
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    if (fault === '503') {
      requests.push({ ...entry, status: 503 });
      send(res, 503, 'Work queue depth exceeded', { 'Content-Type': 'text/html; charset=ISO-8859-1' });
      return;
    }
    if (fault === 'proxy500' || fault === 'proxy502' || fault === 'proxy504') {
      const status = Number(fault.slice(5));
      requests.push({ ...entry, status });
      // nginx's own error page: HTML, not Core's JSON-RPC error body.
      const title = { 500: 'Internal Server Error', 502: 'Bad Gateway', 504: 'Gateway Time-out' }[status];
      send(
        res,
        status,
        `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
        {
          'Content-Type': 'text/html',
          Server: 'nginx',
        },
      );
      return;
    }

    if (isRest) {
      if (req.method !== 'GET') return void send(res, 405, '');
      const r = handleRest(
        { view, warmup: () => warmup, blockBytes, blockchainInfo: () => view.blockchainInfo(ibd) },
        url.pathname,
        url.searchParams,
      );
      requests.push({ ...entry, status: r.status });
      return void send(res, r.status, r.body, { 'Content-Type': r.contentType });
    }
    if (entry.kind !== 'rpc') {
      requests.push({ ...entry, status: 404 });
      return void send(res, 404, ''); // no handler registered for the path (e.g. /rest/ with -rest=0)
    }
    if (!auth.check(req.headers.authorization)) {
      requests.push({ ...entry, status: 401 });
      await new Promise((r) => setTimeout(r, options.authFailDelayMs ?? 250));
      return void send(res, 401, '', { 'WWW-Authenticate': 'Basic realm="jsonrpc"' });
    }
    if (req.method !== 'POST') return void send(res, 405, 'JSONRPC server handles only POST requests');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    ctx.ibd = ibd;
    const methods: string[] = [];
    const reply = handleRpcBody(
      { ctx, warmup: () => warmup, log: (m) => methods.push(m) },
      Buffer.concat(chunks).toString('utf8'),
    );
    for (const m of methods.length ? methods : ['(unparsed)'])
      requests.push({ kind: 'rpc', name: m, status: reply.status });
    send(res, reply.status, reply.body, reply.status === 204 ? {} : { 'Content-Type': 'application/json' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, 500, String(err));
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  // What the reference UTXOracle.py and bitcoin-cli read to find the node.
  const conf = ['# written by the fake bitcoind for tests', 'server=1', `rpcconnect=127.0.0.1`, `rpcport=${port}`];
  if (options.rest) conf.push('rest=1');
  if (options.auth.user && options.auth.password)
    conf.push(`rpcuser=${options.auth.user}`, `rpcpassword=${options.auth.password}`);
  writeFileSync(path.join(datadir, 'bitcoin.conf'), conf.join('\n') + '\n', { mode: 0o600 });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    datadir,
    cookiePath: auth.cookiePath,
    chain: options.chain,
    rotateCookie: () => auth.rotate(),
    setWarmingUp: (w, message = WARMUP_MESSAGE) => {
      warmup = w ? message : undefined;
    },
    setInitialBlockDownload: (v) => {
      ibd = v;
    },
    setPruneHeight: (h) => {
      view.pruneHeight = h;
    },
    injectFaults: (f) => faults.inject(f),
    injectRandomFaults: (r) => faults.injectRandom(r),
    pendingFaults: () => faults.pending(),
    requests,
    async stop() {
      if (options.auth.cookie) auth.forget();
      for (const res of hung) res.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async start(o = {}) {
      if (options.auth.cookie) auth.rotate();
      if (o.warmupMs) {
        warmup = WARMUP_MESSAGE;
        setTimeout(() => (warmup = undefined), o.warmupMs).unref();
      }
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
    },
    async close() {
      for (const res of hung) res.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      if (ownDatadir) rmSync(datadir, { recursive: true, force: true });
    },
  };
}
