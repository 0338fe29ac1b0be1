import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuth } from '../../../src/sources/bitcoind/auth.js';
import { streamRawMempool } from '../../../src/sources/bitcoind/mempool.js';
import { RpcClient } from '../../../src/sources/bitcoind/rpc.js';

// getrawmempool read as it streams: Core's reply in either JSON-RPC form, cut into chunks anywhere
// (inside a txid, inside "result"), handed on in batches; an error reply is Core's error.

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A node that answers `body` with `status`, written in chunks of `chunk` bytes. */
async function node(body: string, status = 200, chunk = 7): Promise<RpcClient> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      for (let i = 0; i < body.length; i += chunk) res.write(body.slice(i, i + chunk));
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return new RpcClient({
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auth: createAuth({ user: 'u', password: 'p' }),
    timeoutMs: 5_000,
    connections: 1,
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 },
  });
}

const txids = Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(64, '0'));

describe('streamRawMempool', () => {
  it.each([
    ['JSON-RPC 1.0 form', `{"result":${JSON.stringify(txids)},"error":null,"id":1}`],
    ['JSON-RPC 2.0 form, with spaces', `{"jsonrpc": "2.0", "result": ${JSON.stringify(txids, null, 1)}, "id": 1}`],
  ])('%s: every txid, in order, in several batches', async (_n, body) => {
    for (const chunk of [7, 65, 4096]) {
      const rpc = await node(body, 200, chunk);
      const got: string[][] = [];
      const n = await streamRawMempool(rpc, (b) => got.push(b));
      expect(n).toBe(1000);
      expect(got.flat()).toEqual(txids);
      if (chunk < 4096) expect(got.length).toBeGreaterThan(1);
      await rpc.close();
    }
  });

  it("an error reply is Core's error (warming up: -28)", async () => {
    const rpc = await node('{"result":null,"error":{"code":-28,"message":"Loading block index…"},"id":1}', 500);
    await expect(streamRawMempool(rpc, () => undefined)).rejects.toThrow(
      'Bitcoin Core RPC getrawmempool failed: Loading block index… (code -28)',
    );
  });

  it('a reply cut short, or a txid that is none, is an error naming getrawmempool', async () => {
    const cut = await node(`{"result":${JSON.stringify(txids).slice(0, 5000)}`);
    await expect(streamRawMempool(cut, () => undefined)).rejects.toThrow(/getrawmempool: the array ends early/);
    const bad = await node(`{"result":["${'z'.repeat(64)}"],"error":null,"id":1}`);
    await expect(streamRawMempool(bad, () => undefined)).rejects.toThrow(/getrawmempool: \[0\] must be a txid/);
  });
});
