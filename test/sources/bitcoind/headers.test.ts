// Bulk header reads against the fake node over real sockets: REST /rest/headers (one getblockhash,
// one GET) or JSON-RPC batches, the same refs as one-by-one reads, and every header checked.
import { afterEach, describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import { createBitcoindClient } from '../../../src/sources/bitcoind/index.js';
import { refsFromHeaders } from '../../../src/sources/bitcoind/headers.js';
import { generateChain } from '../../fakes/chain/index.js';
import { startFakeBitcoind, type FakeBitcoind } from '../../fakes/bitcoind/index.js';

const chain = generateChain({
  seed: 5,
  date: '2024-07-04',
  price: 57_000,
  marginBeforeBlocks: 30,
  marginAfterBlocks: 8,
});
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function setup(rest: boolean) {
  const fake: FakeBitcoind = await startFakeBitcoind({ chain, auth: { cookie: true }, rest });
  const client = createBitcoindClient({
    url: fake.url,
    cookieFile: fake.cookiePath,
    timeoutMs: 2_000,
    concurrency: 2,
    retries: 3,
    retryDelayMs: 5,
  });
  open.push(fake, client);
  return { fake, client };
}

const expected = (from: number, count: number) =>
  chain.blocks
    .filter((b) => b.height >= from && b.height < from + count)
    .map((b) => ({ height: b.height, hash: b.hash, time: b.time }));

describe('getHeaderRefs', () => {
  it.each([true, false])('rest=%s: the same refs as the chain, in one or two round trips', async (rest) => {
    const { fake, client } = await setup(rest);
    await client.usesRest();
    const before = fake.requests.length;
    const from = chain.firstHeight + 3;
    const refs = await client.getHeaderRefs(from, 150);
    expect(refs).toEqual(expected(from, 150));
    const made = fake.requests.slice(before);
    if (rest) {
      expect(made.map((r) => r.name)).toEqual(['getblockhash', `/rest/headers/150/${chain.byHeight(from)!.hash}.bin`]);
    } else {
      // One batch of getblockhash and one of getblockheader (150 calls each, logged one by one).
      expect(new Set(made.map((r) => r.name))).toEqual(new Set(['getblockhash', 'getblockheader']));
    }
  });

  it('stops at the tip: fewer refs than asked', async () => {
    const { client } = await setup(true);
    const refs = await client.getHeaderRefs(chain.tip.height - 4, 100);
    expect(refs.map((r) => r.height)).toEqual([0, 1, 2, 3, 4].map((i) => chain.tip.height - 4 + i));
  });

  it('a header that does not build on the one before is refused', () => {
    const a = chain.byHeight(chain.firstHeight + 1)!;
    const c = chain.byHeight(chain.firstHeight + 3)!;
    const bytes = Buffer.concat([a.bytes.subarray(0, 80), c.bytes.subarray(0, 80)]);
    expect(() => refsFromHeaders(bytes, a.height, a.hash)).toThrow(DataError);
    expect(() => refsFromHeaders(bytes, a.height, a.hash)).toThrow(/builds on/);
    expect(() => refsFromHeaders(bytes.subarray(0, 79), a.height, a.hash)).toThrow(/80-byte headers/);
    expect(() => refsFromHeaders(c.bytes.subarray(0, 80), a.height, a.hash)).toThrow(/hashing to/);
  });
});
