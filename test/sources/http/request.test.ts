import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPool, request } from '../../../src/sources/http/request.js';
import { isTransientNetworkError } from '../../../src/sources/bitcoind/retry.js';

describe('HTTP requests on node:http', () => {
  let server: http.Server;
  let base: URL;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('partial');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () =>
        res.end(JSON.stringify({ method: req.method, url: req.url, body, type: req.headers['content-type'] })),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('posts a body and reads the whole answer', async () => {
    const res = await request(new URL('/x', base), {
      method: 'POST',
      body: 'héllo',
      headers: { 'content-type': 'text/plain' },
      idleTimeoutMs: 1000,
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.text())).toEqual({ method: 'POST', url: '/x', body: 'héllo', type: 'text/plain' });
  });

  it('a silent server is an ETIMEDOUT error the retry logic counts as transient', async () => {
    const err = await request(new URL('/hang', base), { method: 'GET', idleTimeoutMs: 100 }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('ETIMEDOUT');
    expect(isTransientNetworkError(err)).toBe(true);
  });

  it('a body cut short is a transient error, never a short body', async () => {
    const err = await request(new URL('/cut', base), { method: 'GET', idleTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isTransientNetworkError(err)).toBe(true);
  });

  it('an aborted signal rejects with its reason', async () => {
    const err = await request(new URL('/hang', base), {
      method: 'GET',
      idleTimeoutMs: 5000,
      signal: AbortSignal.timeout(50),
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect(isTransientNetworkError(err)).toBe(true);
  });

  it('a refused connection carries ECONNREFUSED', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await request(new URL(`http://127.0.0.1:${port}/`), { method: 'GET', idleTimeoutMs: 1000 }).catch(
      (e: unknown) => e,
    );
    expect((err as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('a pool keeps at most its connections open and serves queued requests in turn', async () => {
    const pool = new HttpPool(base, 2, 1000);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.request(`/n${i}`, { method: 'GET' })));
    expect(answers.map((a) => JSON.parse(a.text()).url)).toEqual(['/n0', '/n1', '/n2', '/n3', '/n4', '/n5']);
    await pool.close();
  });
});
