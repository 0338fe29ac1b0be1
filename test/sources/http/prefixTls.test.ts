// Base URLs as operators write them: a path prefix (a service behind nginx) is kept by every request
// of every client, and a certificate that does not verify is one line naming the URL and the fix.
// (A TLS success needs NODE_EXTRA_CA_CERTS at process start: see test/jobs/tlsPrefix.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import { createBitcoindClient } from '../../../src/sources/bitcoind/index.js';
import { createEsploraClient } from '../../../src/sources/esplora/client.js';
import { httpGet } from '../../../src/sources/httpJson.js';
import { createMempoolPriceSource } from '../../../src/sources/mempool/prices.js';
import { joinUrl } from '../../../src/sources/http/url.js';
import { generateChain } from '../../fakes/chain/index.js';
import { startFakeBitcoind, type FakeBitcoind } from '../../fakes/bitcoind/index.js';
import { startFakeElectrs, type FakeElectrs } from '../../fakes/electrs/server.js';
import { startFakeMempool, type FakeMempool } from '../../fakes/mempool/index.js';
import { startProxy, type FakeProxy } from '../../fakes/proxy/server.js';

describe('joinUrl', () => {
  it.each([
    ['http://h:1', '/tx/ab', 'http://h:1/tx/ab'],
    ['http://h:1/', '/tx/ab', 'http://h:1/tx/ab'],
    ['http://h/api', '/tx/ab', 'http://h/api/tx/ab'],
    ['https://h/api/', '/mempool/txids', 'https://h/api/mempool/txids'],
    ['http://h/a/b', 'rest/chaininfo.json', 'http://h/a/b/rest/chaininfo.json'],
    ['http://h/x?k=1', '/y?z=2', 'http://h/x/y?z=2'],
  ])('%s + %s', (base, path, want) => {
    expect(joinUrl(base, path).toString()).toBe(want);
  });
});

const chain = generateChain({
  seed: 5,
  date: '2024-03-01',
  price: 62_000,
  marginBeforeBlocks: 2,
  marginAfterBlocks: 8,
});
let node: FakeBitcoind;
let electrs: FakeElectrs;
let mempool: FakeMempool;
const proxies: FakeProxy[] = [];
const proxy = async (...a: Parameters<typeof startProxy>) => {
  const p = await startProxy(...a);
  proxies.push(p);
  return p;
};

beforeAll(async () => {
  node = await startFakeBitcoind({ chain, auth: { user: 'op', password: 'pw' }, rest: true, authFailDelayMs: 1 });
  mempool = await startFakeMempool({ usd: 61_000 });
  electrs = await startFakeElectrs({ tipHeight: 870_000, mempoolTxids: ['ab'.repeat(32)] });
});
afterAll(async () => {
  for (const p of proxies) await p.close();
  await Promise.all([node.close(), electrs.close(), mempool.close()]);
});

describe('a path prefix is kept by every request', () => {
  it('Bitcoin Core: JSON-RPC posts to the prefix, REST lives under it, the parser threads get the prefixed URL', async () => {
    const p = await proxy({ target: node.url, prefix: '/bitcoin' });
    const c = createBitcoindClient({
      url: p.url,
      user: 'op',
      password: 'pw',
      timeoutMs: 2000,
      concurrency: 2,
      retries: 0,
    });
    expect(await c.getTipHeight()).toBe(chain.tip.height);
    expect(await c.usesRest()).toBe(true);
    const [ref] = await c.getBlockRefs([chain.tip.height]);
    const [block] = await c.getRawBlocks([ref!]);
    expect(Buffer.from(block!.bytes).equals(Buffer.from(chain.tip.bytes))).toBe(true);
    expect(await c.restBlockUrl(chain.tip.hash)).toBe(`${p.url}/rest/block/${chain.tip.hash}.bin`);
    await c.close();
    expect(p.requests.every((r) => r.startsWith('/bitcoin/'))).toBe(true);
    expect(p.requests).toContain(`/bitcoin/rest/block/${chain.tip.hash}.bin`);
  });

  it('electrs: tip, transaction lookups (the keep-alive pool) and the streamed mempool listing', async () => {
    const p = await proxy({ target: electrs.url, prefix: '/electrs' });
    const c = createEsploraClient({ url: p.url, timeoutMs: 2000, retries: 0 });
    expect(await c.getTipHeight()).toBe(870_000);
    expect(await c.getTx('cd'.repeat(32))).toBeNull(); // electrs' 404 "Transaction not found", through the prefix
    const listed: string[] = [];
    expect(await c.streamMempoolTxids((b) => listed.push(...b))).toBe(1);
    await c.close();
    expect(p.requests).toEqual([
      '/electrs/blocks/tip/height',
      `/electrs/tx/${'cd'.repeat(32)}`,
      '/electrs/mempool/txids',
    ]);
  });

  it('mempool: the exchange price under the prefix (a request outside it would be nginx’s 404)', async () => {
    const p = await proxy({ target: mempool.url, prefix: '/mempool' });
    const price = await createMempoolPriceSource({ url: p.url, attempts: 1 }).getUsdPrice();
    expect(price.usd).toBe(61_000);
    expect(p.requests).toEqual(['/mempool/api/v1/prices']);
    await expect(
      httpGet(p.url.replace('/mempool', ''), '/api/v1/prices', {
        service: 'mempool',
        timeoutMs: 1000,
        attempts: 1,
        backoffMs: 0,
      }),
    ).rejects.toThrow(/HTTP 404/);
  });
});

describe('a certificate that does not verify', () => {
  it.each([
    {
      name: 'Bitcoin Core',
      call: (url: string) =>
        createBitcoindClient({
          url,
          user: 'op',
          password: 'pw',
          timeoutMs: 2000,
          concurrency: 1,
          retries: 3,
        }).getTipHeight(),
      target: () => node.url,
    },
    {
      name: 'electrs',
      call: (url: string) => createEsploraClient({ url, timeoutMs: 2000, retries: 3 }).getTx('cd'.repeat(32)),
      target: () => electrs.url,
    },
    {
      name: 'mempool',
      call: (url: string) => createMempoolPriceSource({ url, attempts: 3, backoffMs: 1 }).getUsdPrice(),
      target: () => mempool.url,
    },
  ])('$name: one line with the URL and NODE_EXTRA_CA_CERTS, not retried', async ({ call, target }) => {
    const p = await proxy({ target: target(), prefix: '/svc', tls: 'self-signed' });
    const err = (await call(p.url).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toContain(`the TLS certificate of ${p.url}`);
    expect(err.message).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED/);
    expect(err.message).toContain('NODE_EXTRA_CA_CERTS');
    expect(err.message).not.toContain('\n');
    expect(err.details.retryable).toBe(false);
    // One handshake only: a retry cannot make the certificate verify.
    expect(p.requests).toEqual([]);
  });

  it('https:// to a port without TLS says so', async () => {
    const err = (await createEsploraClient({ url: electrs.url.replace('http:', 'https:'), timeoutMs: 2000, retries: 2 })
      .getTipHeight()
      .catch((e: unknown) => e)) as SourceError;
    expect(err.message).toMatch(/no TLS at https:\/\/127\.0\.0\.1:\d+ \(ERR_SSL_WRONG_VERSION_NUMBER|EPROTO/);
  });
});
