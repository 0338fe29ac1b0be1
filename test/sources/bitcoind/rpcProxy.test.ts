// JSON-RPC answers at HTTP 5xx: what a proxy in front of the node sends (a page, HTML or JSON, that
// is no JSON-RPC reply) is retried like a 503; what Core itself sends (a JSON-RPC error object,
// HTTP 500 in the legacy style) is the node's answer and is not, except -28 (warming up).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import { RpcClient } from '../../../src/sources/bitcoind/rpc.js';

type Reply = (ids: unknown[]) => { status: number; body: string };

/** A server answering the scripted replies in turn (the last one for ever), echoing request ids. */
async function scripted(replies: Reply[]): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: unknown } | { id: unknown }[];
      const ids = Array.isArray(parsed) ? parsed.map((p) => p.id) : [parsed.id];
      const reply = replies[Math.min(state.requests++, replies.length - 1)]!(ids);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

function client(base: string): RpcClient {
  const c = new RpcClient({
    base,
    auth: { kind: 'userpass', header: () => Promise.resolve('Basic eDp5'), refresh: () => Promise.resolve(false) },
    timeoutMs: 2_000,
    connections: 1,
    retry: { retries: 3, minDelayMs: 5, maxDelayMs: 20 },
  });
  open.push(c);
  return c;
}

const ok: Reply = (ids) => ({ status: 200, body: JSON.stringify(ids.map((id) => ({ result: 7, error: null, id }))) });
const okOne: Reply = (ids) => ({ status: 200, body: JSON.stringify({ result: 7, error: null, id: ids[0] }) });
const page =
  (status: number, body: string): Reply =>
  () => ({ status, body });
const rpcErr =
  (status: number, code: number, message: string, id?: null): Reply =>
  (ids) => ({
    status,
    body: JSON.stringify({ result: null, error: { code, message }, id: id === null ? null : ids[0] }),
  });

describe('RPC answers at HTTP 5xx', () => {
  it.each([
    ['a JSON page that is no JSON-RPC reply (502)', page(502, '{"message":"Bad Gateway"}')],
    ['a JSON error string from a proxy (504)', page(504, '{"error":"upstream timed out"}')],
    ['an empty 502', page(502, '')],
    ['an HTML 500', page(500, '<html><body>500 Internal Server Error</body></html>')],
    ['-28 warming up, legacy style at HTTP 500', rpcErr(500, -28, 'Loading block index…')],
  ])('%s is retried', async (_name, first) => {
    const s = await scripted([first, okOne]);
    open.push(s);
    expect(await client(s.url).call('getblockcount')).toBe(7);
    expect(s.requests).toBe(2);
  });

  it('a batch answered by a proxy page is retried as a whole', async () => {
    const s = await scripted([page(502, '{"message":"Bad Gateway"}'), ok]);
    open.push(s);
    const got = await client(s.url).batch([
      { method: 'getblockhash', params: [1] },
      { method: 'getblockhash', params: [2] },
    ]);
    expect(got).toEqual([7, 7]);
    expect(s.requests).toBe(2);
  });

  it.each([
    ["Core's JSON-RPC error (legacy HTTP 500)", rpcErr(500, -5, 'Block not found'), -5],
    ["Core's answer to a request it could not read (id null)", rpcErr(500, -32700, 'Parse error', null), -32700],
  ])('%s is the node answering: not retried', async (_name, reply, code) => {
    const s = await scripted([reply, okOne]);
    open.push(s);
    const err = await client(s.url)
      .call('getblockheader')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).details).toMatchObject({ code, retryable: false });
    expect(s.requests).toBe(1);
  });
});
