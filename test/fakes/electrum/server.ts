// A fake Electrum-protocol server on 127.0.0.1, over TCP or TLS, in the two flavours operators run:
// romanz/electrs (src/electrum.rs) and Fulcrum. Newline-delimited JSON-RPC 2.0, single requests and
// batches, one answer line per request line (`handle_requests`).
//   - server.version: romanz/electrs takes exactly two parameters — a client name and "1.4" or a
//     [min, max] range holding 1.4 — and answers ["electrs/<v>", "1.4"]; anything else is
//     -32602 "invalid params", an unsupported version error code 1 (`check_between`). Fulcrum takes
//     0-2 parameters and supports 1.4-1.5.
//   - blockchain.headers.subscribe: {hex, height} of the tip.
//   - blockchain.transaction.get [txid, verbose?]: the raw hex; verbose gives Core's JSON. Unknown:
//     romanz/electrs passes bitcoind's -5 on as code 2 (`RpcError::DaemonError`), Fulcrum answers
//     code 1 "No transaction matching the requested hash was found".
//   - a line that is not JSON (an HTTP request sent to the port) is answered -32700 "parse error"
//     with id null, per line; an unknown method -32601 "method not found".
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tlsCredentials } from '../proxy/server.js';

export type ElectrumFlavour = 'electrs' | 'fulcrum';

export interface ElectrumTx {
  hex: string;
  /** Where it confirmed; absent for a mempool transaction. */
  block?: { hash: string; height: number; time: number };
}

/** What the server knows: the chain's tip and the transactions it can serve. */
export interface ElectrumView {
  tip(): { height: number; headerHex: string };
  tx(txid: string): ElectrumTx | undefined;
}

export interface FakeElectrumOptions {
  flavour?: ElectrumFlavour;
  view: ElectrumView;
  tls?: 'ca' | 'self-signed';
  latencyMs?: number;
}

export interface FakeElectrum {
  readonly host: string;
  readonly port: number;
  readonly flavour: ElectrumFlavour;
  /** Requests served, by method. */
  readonly requests: Map<string, number>;
  /** Every `server.version` params received. */
  readonly versions: unknown[];
  /** Stop listening (connections refused) or listen again on the same port. */
  setDown(down: boolean): Promise<void>;
  close(): Promise<void>;
}

/** bitcoind's -5 without txindex, as romanz/electrs passes it on (rpc/rawtransaction.cpp). */
const BITCOIND_NO_TX =
  'No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries. Use gettransaction for wallet transactions.';

const TXID = /^[0-9a-fA-F]{64}$/;

interface Request {
  id: unknown;
  method: unknown;
  params?: unknown;
}

/**
 * The client's protocol version(s) — a string, or [min, max] — overlap the server's 1.4..`max`
 * (romanz/electrs `check_between` with 1.4..1.4; Fulcrum 1.4..1.5).
 */
function versionOk(v: unknown, max: string): boolean {
  const cmp = (a: string, b: string): number => {
    const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (x[i] ?? 0) - (y[i] ?? 0);
      if (d !== 0 || Number.isNaN(d)) return d;
    }
    return 0;
  };
  const range = typeof v === 'string' ? [v, v] : v;
  if (!Array.isArray(range) || range.length !== 2 || typeof range[0] !== 'string' || typeof range[1] !== 'string')
    return false;
  return cmp(range[0], max) <= 0 && cmp('1.4', range[1]) <= 0;
}

export async function startFakeElectrum(o: FakeElectrumOptions): Promise<FakeElectrum> {
  const flavour = o.flavour ?? 'electrs';
  const requests = new Map<string, number>();
  const versions: unknown[] = [];
  const sockets = new Set<net.Socket>();
  const ok = (id: unknown, result: unknown) => ({ jsonrpc: '2.0', id, result });
  const err = (id: unknown, code: number, message: string) => ({ jsonrpc: '2.0', id, error: { code, message } });

  const call = (r: Request): unknown => {
    const id = r.id ?? null;
    if (typeof r.method !== 'string') return err(id, -32600, 'invalid request');
    requests.set(r.method, (requests.get(r.method) ?? 0) + 1);
    const params = Array.isArray(r.params) ? r.params : r.params === undefined ? [] : null;
    if (params === null) return err(id, -32602, 'invalid params');
    switch (r.method) {
      case 'server.version': {
        versions.push(r.params);
        if (flavour === 'electrs') {
          // serde: Version((String, VersionRequest)) — exactly two, the first a string.
          if (params.length !== 2 || typeof params[0] !== 'string') return err(id, -32602, 'invalid params');
          if (!versionOk(params[1], '1.4'))
            return err(id, 1, `unsupported request ${JSON.stringify(params[1])} by ${params[0]}`);
          return ok(id, ['electrs/0.10.9', '1.4']);
        }
        if (params.length > 2) return err(id, -32602, 'invalid params');
        if (params.length === 2 && !versionOk(params[1], '1.5')) return err(id, 1, 'Unsupported protocol version');
        return ok(id, ['Fulcrum 1.11.1', '1.4']);
      }
      case 'server.ping':
        return ok(id, null);
      case 'blockchain.headers.subscribe': {
        const t = o.view.tip();
        return ok(id, { hex: t.headerHex, height: t.height });
      }
      case 'blockchain.transaction.get': {
        const [txid, verbose] = params as [unknown, unknown];
        if (typeof txid !== 'string' || !TXID.test(txid) || (verbose !== undefined && typeof verbose !== 'boolean'))
          return err(id, -32602, 'invalid params');
        const tx = o.view.tx(txid.toLowerCase());
        if (!tx)
          return flavour === 'electrs'
            ? err(id, 2, BITCOIND_NO_TX)
            : err(id, 1, 'No transaction matching the requested hash was found');
        if (!verbose) return ok(id, tx.hex);
        const tip = o.view.tip().height;
        return ok(id, {
          txid: txid.toLowerCase(),
          hex: tx.hex,
          ...(tx.block
            ? {
                blockhash: tx.block.hash,
                confirmations: tip - tx.block.height + 1,
                time: tx.block.time,
                blocktime: tx.block.time,
              }
            : {}),
        });
      }
      default:
        return err(id, -32601, 'method not found');
    }
  };

  const handleLine = (line: string): string => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return JSON.stringify(err(null, -32700, 'parse error'));
    }
    if (Array.isArray(parsed)) return JSON.stringify(parsed.map((r) => call(r as Request)));
    if (typeof parsed !== 'object' || parsed === null) return JSON.stringify(err(null, -32600, 'invalid request'));
    return JSON.stringify(call(parsed as Request));
  };

  const onConnection = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    let buffer = '';
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const answer = handleLine(line) + '\n';
        if (o.latencyMs) setTimeout(() => socket.writable && socket.write(answer), o.latencyMs);
        else socket.write(answer);
      }
    });
  };

  const server = o.tls ? tls.createServer(tlsCredentials(o.tls), onConnection) : net.createServer(onConnection);
  const listen = (port: number) => new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  const stop = () =>
    new Promise<void>((resolve) => {
      listening = false;
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return {
    host: '127.0.0.1',
    port,
    flavour,
    requests,
    versions,
    async setDown(down) {
      if (down && listening) await stop();
      else if (!down && !listening) {
        await listen(port);
        listening = true;
      }
    },
    close: () => (listening ? stop() : Promise.resolve()),
  };
}
