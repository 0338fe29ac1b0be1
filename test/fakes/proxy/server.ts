// A reverse proxy in front of a fake, as operators put nginx in front of their services: under a path
// prefix (`location /electrs/ { proxy_pass http://127.0.0.1:3001/; }`, mempool's frontend serving the
// backend under /api) and/or terminating TLS with the test certificates (test/fixtures/tls). Requests
// outside the prefix get nginx's 404; WebSocket upgrades are passed through like `proxy_http_version
// 1.1` + `Upgrade` headers do. `tcp: true` proxies raw TCP instead (stunnel or nginx `stream` in front
// of an Electrum port that has no TLS of its own, as romanz/electrs's doc/config.md describes).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ProxyOptions {
  /** Where to forward: http://127.0.0.1:<port> (or host:port with `tcp`). */
  target: string;
  /** Served under this path (e.g. '/electrs'), stripped before forwarding. */
  prefix?: string;
  /** Terminate TLS with the CA-signed certificate ('ca') or a self-signed one nobody trusts ('self-signed'). */
  tls?: 'ca' | 'self-signed';
  /** Raw TCP instead of HTTP (an Electrum port). */
  tcp?: boolean;
}

export interface FakeProxy {
  /** The proxy's base URL: scheme, host, port and prefix (for tcp: host and port). */
  readonly url: string;
  readonly port: number;
  /** Requests seen, by the path the client asked for. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** test/fixtures/tls, found upward from this file (it runs from test/ and, built, from dist/test/). */
function tlsDir(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'tls');
    if (fs.existsSync(path.join(candidate, 'ca.pem'))) return candidate;
  }
  throw new Error('test/fixtures/tls not found');
}

/** The PEM file of the tests' own CA (what an operator puts in NODE_EXTRA_CA_CERTS). */
export const TEST_CA = path.join(tlsDir(), 'ca.pem');

/** The key and certificate a TLS fake serves: signed by the test CA, or self-signed (trusted by nobody). */
export function tlsCredentials(kind: 'ca' | 'self-signed'): { key: Buffer; cert: Buffer } {
  const name = kind === 'ca' ? 'server' : 'selfsigned';
  return {
    key: fs.readFileSync(path.join(tlsDir(), `${name}.key`)),
    cert: fs.readFileSync(path.join(tlsDir(), `${name}.pem`)),
  };
}

export async function startProxy(o: ProxyOptions): Promise<FakeProxy> {
  const prefix = (o.prefix ?? '').replace(/\/+$/, '');
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  let server: net.Server;
  if (o.tcp) {
    const [host, port] = o.target.replace(/^tcp:\/\//, '').split(':') as [string, string];
    const pipe = (client: net.Socket): void => {
      const upstream = net.connect(Number(port), host);
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => sockets.delete(upstream));
    };
    server = o.tls ? tls.createServer(tlsCredentials(o.tls), pipe) : net.createServer(pipe);
  } else {
    const target = new URL(o.target);
    const strip = (url: string): string | undefined => {
      if (!prefix) return url;
      if (url === prefix) return '/';
      return url.startsWith(prefix + '/') ? url.slice(prefix.length) : undefined;
    };
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      requests.push(req.url ?? '/');
      const path = strip(req.url ?? '/');
      if (path === undefined) {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end(
          '<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center></body></html>',
        );
        return;
      }
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><head><title>502 Bad Gateway</title></head></html>');
      });
      req.pipe(up);
    };
    const web = o.tls ? https.createServer(tlsCredentials(o.tls), handler) : http.createServer(handler);
    web.on('upgrade', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      requests.push(req.url ?? '/');
      const path = strip(req.url ?? '/');
      if (path === undefined) return client.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      const upstream = net.connect(Number(target.port), target.hostname, () => {
        const lines = [`${req.method} ${path} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstream.write(lines.join('\r\n') + '\r\n\r\n');
        if (head.length) upstream.write(head);
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => sockets.delete(upstream));
    });
    server = web;
  }
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const scheme = o.tcp ? '' : o.tls ? 'https://' : 'http://';
  return {
    url: `${scheme}127.0.0.1:${port}${o.tcp ? '' : prefix}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
