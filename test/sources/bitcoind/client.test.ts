// The Bitcoin Core client against the fake node over real sockets: auth (cookie, rotated cookie,
// wrong password without leaking it), batches, retries (503, -28, resets), bounded timeouts,
// REST and RPC giving the same bytes, and blocks checked against the refs asked for.
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError, DataError, ConfigError } from '../../../src/errors.js';
import { createBitcoindClient, type BitcoindClientOptions } from '../../../src/sources/bitcoind/index.js';
import { generateChain } from '../../fakes/chain/index.js';
import { startFakeBitcoind, type FakeBitcoind, type FakeBitcoindOptions } from '../../fakes/bitcoind/index.js';

const chain = generateChain({
  seed: 21,
  date: '2024-07-04',
  price: 57_000,
  marginBeforeBlocks: 2,
  marginAfterBlocks: 8,
});
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function setup(node: Partial<FakeBitcoindOptions> = {}, client: Partial<BitcoindClientOptions> = {}) {
  const fake: FakeBitcoind = await startFakeBitcoind({
    chain,
    auth: { cookie: true },
    rest: true,
    authFailDelayMs: 5,
    ...node,
  });
  open.push(fake);
  const logs: string[] = [];
  const logger = {
    debug: (o: object, m?: string) => logs.push(JSON.stringify(o) + (m ?? '')),
    warn: (o: object, m?: string) => logs.push(JSON.stringify(o) + (m ?? '')),
  };
  const c = createBitcoindClient({
    url: fake.url,
    cookieFile: fake.cookiePath,
    timeoutMs: 2_000,
    concurrency: 4,
    retries: 4,
    retryDelayMs: 10,
    logger,
    ...client,
  });
  open.push(c);
  return { fake, client: c, logs };
}

const failure = async (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: Error) => e,
  );
const count = (fake: FakeBitcoind, status: number): number => fake.requests.filter((r) => r.status === status).length;

describe('bitcoind client: auth', () => {
  it('authenticates with the cookie file', async () => {
    const { client } = await setup();
    expect(await client.getTipHeight()).toBe(chain.tip.height);
  });

  it('recovers from a rotated cookie (bitcoind restarted) after exactly one 401', async () => {
    const { client, fake } = await setup();
    await client.getTipHeight();
    fake.rotateCookie();
    expect(await client.getTipHeight()).toBe(chain.tip.height);
    expect(count(fake, 401)).toBe(1);
  });

  it('a restart while several requests are in flight: each request that carried the old cookie is sent again', async () => {
    // Every request waits long enough that all of them leave with the old cookie; the 401s then come
    // back one after another, and the later ones find the cache already refreshed by the first.
    const { client, fake } = await setup({ authFailDelayMs: 30 });
    await client.getTipHeight();
    fake.rotateCookie();
    const heights = await Promise.all(Array.from({ length: 4 }, () => client.getTipHeight()));
    expect(heights).toEqual(Array(4).fill(chain.tip.height));
    expect(count(fake, 401)).toBe(4);
  });

  it.each([
    {
      name: 'wrong password',
      node: { auth: { user: 'op', password: 'right-secret' } },
      client: { cookieFile: undefined, user: 'op', password: 'wrong-SeCrEt-42' },
      secret: 'wrong-SeCrEt-42',
    },
    {
      name: 'password in the URL',
      node: { auth: { user: 'op', password: 'right-secret' } },
      client: { cookieFile: undefined, urlCreds: 'op:url-SeCrEt-77' },
      secret: 'url-SeCrEt-77',
    },
  ])(
    '$name: a clear 401 error, not retried, the secret nowhere in message or log',
    async ({ node, client, secret }) => {
      const { fake } = await setup(node);
      const url = client.urlCreds ? fake.url.replace('http://', `http://${client.urlCreds}@`) : fake.url;
      const c = createBitcoindClient({
        url,
        cookieFile: client.cookieFile,
        user: client.user,
        password: client.password,
        timeoutMs: 2000,
        concurrency: 2,
        retries: 3,
        retryDelayMs: 10,
        logger: { debug: (o, m) => logs.push(JSON.stringify(o) + m), warn: (o, m) => logs.push(JSON.stringify(o) + m) },
      });
      const logs: string[] = [];
      open.push(c);
      const err = await failure(c.getTipHeight());
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).details).toMatchObject({ status: 401, retryable: false });
      expect(err.message).toMatch(/refused the RPC credentials \(HTTP 401\).*BITCOIN_RPC_USER/);
      expect(count(fake, 401)).toBe(1);
      const everything = [
        err.message,
        String(err.stack),
        JSON.stringify(err),
        JSON.stringify((err as SourceError).details),
        ...logs,
      ].join('\n');
      expect(everything).not.toContain(secret);
    },
  );

  it('an unreadable cookie file is a ConfigError naming the file, not its content', async () => {
    const { fake } = await setup();
    const c = createBitcoindClient({
      url: fake.url,
      cookieFile: `${fake.datadir}/nope/.cookie`,
      timeoutMs: 1000,
      concurrency: 1,
      retries: 0,
    });
    open.push(c);
    const err = await failure(c.getTipHeight());
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/BITCOIN_RPC_COOKIE_FILE .*nope\/\.cookie cannot be read \(ENOENT\)/);
  });
});

describe('bitcoind client: calls and retries', () => {
  it('getBlockRefs batches getblockhash + getblockheader and follows the heights given', async () => {
    const { client, fake } = await setup();
    const heights = [chain.tip.height, chain.firstHeight, chain.firstHeight + 5];
    const refs = await client.getBlockRefs(heights);
    expect(refs).toEqual(
      heights.map((h) => ({ height: h, hash: chain.byHeight(h)!.hash, time: chain.byHeight(h)!.time })),
    );
    expect(fake.requests.filter((r) => r.name === 'getblockheader')).toHaveLength(3);
  });

  it.each([
    {
      name: 'out of range height',
      call: (c: ReturnType<typeof createBitcoindClient>) => c.getBlockRefs([chain.tip.height + 1]),
      code: -8,
      msg: /getblockhash failed: Block height out of range \(code -8\)/,
    },
    {
      name: 'unknown method',
      call: (c: ReturnType<typeof createBitcoindClient>) => c.rpc.call('nosuchmethod'),
      code: -32601,
      msg: /nosuchmethod failed: Method not found/,
    },
  ])('a real RPC error ($name) surfaces with method, code and message, without retry', async ({ call, code, msg }) => {
    const { client, fake } = await setup();
    const err = await failure(call(client));
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).details).toMatchObject({ code, retryable: false });
    expect(err.message).toMatch(msg);
    expect(fake.requests.filter((r) => r.kind === 'rpc')).toHaveLength(1);
  });

  it.each([
    { name: '503 Work queue depth exceeded', faults: { status503Count: 3 } },
    { name: 'connection resets', faults: { resetCount: 2 } },
    { name: "a proxy's 500, 502 and 504 pages", faults: { proxy500Count: 1, proxy502Count: 1, proxy504Count: 1 } },
  ])('survives $name', async ({ faults }) => {
    const { client, fake } = await setup({ faults });
    expect(await client.getTipHeight()).toBe(chain.tip.height);
    expect(fake.pendingFaults()).toMatchObject({
      status503Count: 0,
      resetCount: 0,
      proxy500Count: 0,
      proxy502Count: 0,
      proxy504Count: 0,
    });
  });

  it.each([
    { rest: true, name: 'REST' },
    { rest: false, name: 'RPC' },
  ])('fetches every block over $name while a fifth of all requests answer 503, 500, 502 or 504', async ({ rest }) => {
    const { client, fake } = await setup({ rest }, { retries: 6 });
    fake.injectRandomFaults({ rate: 0.2, kinds: ['503', 'proxy500', 'proxy502', 'proxy504'], seed: 7 });
    const heights = Array.from({ length: 40 }, (_, i) => chain.firstHeight + i);
    const refs = await client.getBlockRefs(heights);
    const blocks = await client.getRawBlocks(refs);
    expect(blocks.map((b) => b.ref.hash)).toEqual(heights.map((h) => chain.byHeight(h)!.hash));
    expect(fake.requests.filter((r) => r.status !== undefined && r.status >= 500).length).toBeGreaterThan(5);
  });

  it('a REST 404 is a definite answer, not retried', async () => {
    const { client, fake } = await setup({ rest: true });
    expect(await client.usesRest()).toBe(true);
    const [ref] = await client.getBlockRefs([chain.firstHeight + 1]);
    const missing = { ...ref!, hash: 'ab'.repeat(32) };
    const err = await failure(client.getRawBlocks([missing]));
    expect(err.message).toMatch(/HTTP 404/);
    expect(fake.requests.filter((r) => r.name === `/rest/block/${missing.hash}.bin`)).toHaveLength(1);
  });

  it('retries -28 (warming up) until the node is ready', async () => {
    const { fake } = await setup();
    fake.setWarmingUp(true);
    setTimeout(() => fake.setWarmingUp(false), 150);
    const c2 = createBitcoindClient({
      url: fake.url,
      cookieFile: fake.cookiePath,
      timeoutMs: 2000,
      concurrency: 1,
      retries: 8,
      retryDelayMs: 40,
    });
    open.push(c2);
    expect(await c2.getTipHeight()).toBe(chain.tip.height);
    // The client speaks JSON-RPC 2.0, so Core answers -28 with HTTP 200 and the error in the body.
    expect(fake.requests.filter((r) => r.name === 'getblockcount').length).toBeGreaterThanOrEqual(2);
  });

  it('gives up on a node that never answers, within the bounded time', async () => {
    const { fake } = await setup({ faults: { timeoutCount: 100 } });
    const c = createBitcoindClient({
      url: fake.url,
      cookieFile: fake.cookiePath,
      timeoutMs: 150,
      concurrency: 1,
      retries: 2,
      retryDelayMs: 10,
    });
    open.push(c);
    const started = Date.now();
    const err = await failure(c.getTipHeight());
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/getblockcount failed after 3 attempts/);
    expect(Date.now() - started).toBeLessThan(5_000); // 3 x 150 ms plus backoff; a hang would hit the test timeout
  });

  it('refuses a non-http URL and a zero concurrency as ConfigError', () => {
    expect(() =>
      createBitcoindClient({ url: 'ftp://x', timeoutMs: 1, concurrency: 1, retries: 0, cookieFile: '/x' }),
    ).toThrow(ConfigError);
    expect(() =>
      createBitcoindClient({ url: 'http://x', timeoutMs: 1, concurrency: 0, retries: 0, cookieFile: '/x' }),
    ).toThrow(/concurrency must be a positive integer, got 0/);
  });
});

describe('bitcoind client: raw blocks', () => {
  const heights = Array.from({ length: 12 }, (_, i) => chain.firstHeight + 3 + i);

  it('REST and the RPC fallback give identical, verified bytes, in ref order', async () => {
    const a = await setup({ rest: true });
    const b = await setup({ rest: false });
    const refs = await a.client.getBlockRefs(heights);
    const seen: number[] = [];
    const viaRest = await a.client.getRawBlocks(refs, (blk) => seen.push(blk.ref.height));
    const viaRpc = await b.client.getRawBlocks(refs);
    expect(await a.client.usesRest()).toBe(true);
    expect(await b.client.usesRest()).toBe(false);
    expect(seen).toEqual(heights);
    viaRest.forEach((blk, i) => {
      expect(Buffer.from(blk.bytes).equals(Buffer.from(chain.byHeight(heights[i]!)!.bytes))).toBe(true);
      expect(Buffer.from(blk.bytes).equals(Buffer.from(viaRpc[i]!.bytes))).toBe(true);
    });
    expect(a.fake.requests.filter((r) => r.kind === 'rest' && r.name.startsWith('/rest/block/'))).toHaveLength(
      heights.length,
    );
    expect(b.fake.requests.filter((r) => r.name === 'getblock')).toHaveLength(heights.length);
  });

  it.each([{ rest: true }, { rest: false }])(
    'a wrong block (rest: $rest) is a DataError naming the height',
    async ({ rest }) => {
      const { client, fake } = await setup({ rest });
      const refs = await client.getBlockRefs(heights);
      fake.injectFaults({ wrongBlockCount: 1 });
      const err = await failure(client.getRawBlocks(refs));
      expect(err).toBeInstanceOf(DataError);
      // Fetches run in parallel, so whichever block the node answered first got the wrong bytes.
      const height = Number(/reorg or wrong block at height (\d+): asked for/.exec(err.message)?.[1]);
      expect(heights).toContain(height);
    },
  );

  it('a reorg between refs and blocks is detected', async () => {
    const c = generateChain({
      seed: 22,
      date: '2024-07-04',
      price: 57_000,
      marginBeforeBlocks: 1,
      marginAfterBlocks: 8,
    });
    const { client } = await setup({ chain: c });
    const refs = await client.getBlockRefs([c.tip.height - 1, c.tip.height]);
    c.reorg(1);
    const err = await failure(client.getRawBlocks(refs));
    expect(err.message).toMatch(new RegExp(`reorg or wrong block at height ${c.tip.height}|not found`));
  });
});
