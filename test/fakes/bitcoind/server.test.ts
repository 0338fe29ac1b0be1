// The fake node's wire behaviour, spoken to over raw HTTP as any client would.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateChain } from '../chain/index.js';
import { startFakeBitcoind, type FakeBitcoind } from './index.js';

const chain = generateChain({
  seed: 3,
  date: '2024-06-01',
  price: 68_000,
  marginBeforeBlocks: 3,
  marginAfterBlocks: 8,
});
let node: FakeBitcoind;
let noRest: FakeBitcoind;

const cookieAuth = (n: FakeBitcoind): string =>
  `Basic ${Buffer.from(readFileSync(n.cookiePath, 'utf8')).toString('base64')}`;
async function rpc(
  n: FakeBitcoind,
  body: unknown,
  auth = cookieAuth(n),
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(n.url, { method: 'POST', headers: { authorization: auth }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

beforeAll(async () => {
  node = await startFakeBitcoind({
    chain,
    auth: { cookie: true, user: 'alice', password: 'pw' },
    rest: true,
    authFailDelayMs: 5,
  });
  noRest = await startFakeBitcoind({ chain, auth: { cookie: true }, rest: false, authFailDelayMs: 5 });
});
afterAll(async () => {
  await node?.close();
  await noRest?.close();
});

describe('fake bitcoind JSON-RPC', () => {
  const tip = chain.tip;
  it.each([
    {
      name: 'legacy result',
      body: { jsonrpc: '1.0', id: 'x', method: 'getblockcount', params: [] },
      status: 200,
      json: { result: tip.height, error: null, id: 'x' },
    },
    {
      name: 'legacy -8',
      body: { id: 1, method: 'getblockhash', params: [tip.height + 1] },
      status: 500,
      json: { result: null, error: { code: -8, message: 'Block height out of range' }, id: 1 },
    },
    {
      name: 'legacy -32601 is 404',
      body: { id: 1, method: 'nosuch' },
      status: 404,
      json: { result: null, error: { code: -32601, message: 'Method not found' }, id: 1 },
    },
    {
      name: '2.0 result',
      body: { jsonrpc: '2.0', id: 2, method: 'getblockhash', params: [tip.height] },
      status: 200,
      json: { jsonrpc: '2.0', result: tip.hash, id: 2 },
    },
    {
      name: '2.0 error is 200',
      body: { jsonrpc: '2.0', id: 3, method: 'nosuch' },
      status: 200,
      json: { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 3 },
    },
    { name: '2.0 notification', body: { jsonrpc: '2.0', method: 'getblockcount' }, status: 204, json: undefined },
    {
      name: 'type error -3',
      body: { id: 4, method: 'getblockhash', params: ['1'] },
      status: 500,
      json: {
        result: null,
        error: { code: -3, message: 'JSON value of type string is not of expected type number' },
        id: 4,
      },
    },
    {
      name: 'unknown block -5',
      body: { id: 5, method: 'getblockheader', params: ['00'.repeat(32)] },
      status: 500,
      json: { result: null, error: { code: -5, message: 'Block not found' }, id: 5 },
    },
    {
      name: 'batch is 200 with per-item errors',
      body: [
        { jsonrpc: '2.0', id: 1, method: 'getblockcount' },
        { id: 2, method: 'getblockhash', params: [-1] },
      ],
      status: 200,
      json: [
        { jsonrpc: '2.0', result: tip.height, id: 1 },
        { result: null, error: { code: -8, message: 'Block height out of range' }, id: 2 },
      ],
    },
  ])('$name', async ({ body, status, json }) => {
    const r = await rpc(node, body);
    expect(r.status).toBe(status);
    expect(r.json).toEqual(json);
  });

  it('serves header JSON with Core field names and raw blocks as hex', async () => {
    const b = chain.byHeight(tip.height - 1)!;
    const r = await rpc(node, { id: 1, method: 'getblockheader', params: [b.hash, true] });
    const h = (r.json as { result: Record<string, unknown> }).result;
    expect(Object.keys(h)).toEqual([
      'hash',
      'confirmations',
      'height',
      'version',
      'versionHex',
      'merkleroot',
      'time',
      'mediantime',
      'nonce',
      'bits',
      'difficulty',
      'chainwork',
      'nTx',
      'previousblockhash',
      'nextblockhash',
    ]);
    expect(h).toMatchObject({
      hash: b.hash,
      confirmations: 2,
      height: b.height,
      time: b.time,
      nTx: b.txCount,
      previousblockhash: b.prevHash,
      nextblockhash: tip.hash,
    });
    const raw = await rpc(node, { id: 1, method: 'getblock', params: [b.hash, 0] });
    expect((raw.json as { result: string }).result).toBe(Buffer.from(b.bytes).toString('hex'));
  });

  it.each([
    { name: 'no credentials', auth: '' },
    { name: 'wrong password', auth: `Basic ${Buffer.from('alice:nope').toString('base64')}` },
    { name: 'old cookie', auth: 'rotate' },
  ])('401 with an empty body and the Basic challenge: $name', async ({ auth }) => {
    let header = auth;
    if (auth === 'rotate') {
      header = cookieAuth(node);
      node.rotateCookie();
    }
    const r = await rpc(node, { id: 1, method: 'getblockcount' }, header);
    expect(r.status).toBe(401);
    expect(r.json).toBeUndefined();
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="jsonrpc"');
    expect(
      (await rpc(node, { id: 1, method: 'getblockcount' }, `Basic ${Buffer.from('alice:pw').toString('base64')}`))
        .status,
    ).toBe(200);
  });

  it('answers -28 while warming up and 503 "Work queue depth exceeded" when told', async () => {
    node.setWarmingUp(true);
    expect(await rpc(node, { id: 1, method: 'getblockcount' })).toMatchObject({
      status: 500,
      json: { error: { code: -28, message: 'Loading block index…' } },
    });
    node.setWarmingUp(false);
    node.injectFaults({ status503Count: 1 });
    const res = await fetch(node.url, { method: 'POST', headers: { authorization: cookieAuth(node) }, body: '{}' });
    expect([res.status, await res.text()]).toEqual([503, 'Work queue depth exceeded']);
  });
});

describe('fake bitcoind REST', () => {
  const b = chain.byHeight(chain.firstHeight + 2)!;
  it.each([
    { path: `/rest/block/${b.hash}.bin`, status: 200, body: Buffer.from(b.bytes) },
    { path: `/rest/block/${b.hash}.hex`, status: 200, body: Buffer.from(Buffer.from(b.bytes).toString('hex') + '\n') },
    { path: `/rest/blockhashbyheight/${b.height}.hex`, status: 200, body: Buffer.from(b.hash + '\n') },
    { path: `/rest/blockhashbyheight/${b.height}.bin`, status: 200, body: Buffer.from(b.hash, 'hex').reverse() },
    {
      path: `/rest/headers/${b.hash}.bin?count=2`,
      status: 200,
      body: Buffer.concat([b.bytes.subarray(0, 80), chain.byHeight(b.height + 1)!.bytes.subarray(0, 80)]),
    },
    { path: `/rest/headers/1/${b.hash}.bin`, status: 200, body: Buffer.from(b.bytes.subarray(0, 80)) },
    { path: `/rest/block/${'00'.repeat(32)}.bin`, status: 404, body: Buffer.from(`${'00'.repeat(32)} not found\r\n`) },
    { path: '/rest/block/xyz.bin', status: 400, body: Buffer.from('Invalid hash: xyz\r\n') },
    {
      path: `/rest/blockhashbyheight/${chain.tip.height + 1}.json`,
      status: 404,
      body: Buffer.from('Block height out of range\r\n'),
    },
    {
      path: `/rest/headers/${b.hash}.bin?count=2001`,
      status: 400,
      body: Buffer.from('Header count is invalid or out of acceptable range (1-2000): 2001\r\n'),
    },
  ])('GET $path -> $status', async ({ path, status, body }) => {
    const res = await fetch(node.url + path);
    expect(res.status).toBe(status);
    // Buffer.equals: a deep toEqual over a block's bytes is needlessly slow.
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
  });

  it('chaininfo.json reports the tip; with -rest=0 every /rest/ path is a bare 404', async () => {
    const info = (await (await fetch(`${node.url}/rest/chaininfo.json`)).json()) as {
      blocks: number;
      bestblockhash: string;
    };
    expect(info).toMatchObject({ blocks: chain.tip.height, bestblockhash: chain.tip.hash });
    const res = await fetch(`${noRest.url}/rest/block/${b.hash}.bin`);
    expect([res.status, await res.text()]).toEqual([404, '']);
  });

  it('writes bitcoin.conf with the port so other programs find the node', () => {
    const conf = readFileSync(`${node.datadir}/bitcoin.conf`, 'utf8');
    expect(conf).toContain(`rpcport=${node.port}\n`);
    expect(conf).toContain('rpcconnect=127.0.0.1\n');
    expect(readFileSync(node.cookiePath, 'utf8')).toMatch(/^__cookie__:[0-9a-f]{64}$/);
  });
});
