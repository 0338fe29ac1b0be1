// The Esplora client against the fake electrs over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, SourceError } from '../../../src/errors.js';
import { createEsploraClient, validateTxStatus } from '../../../src/sources/esplora/client.js';
import { type FakeElectrs, startFakeElectrs } from '../../fakes/electrs/server.js';

const CONFIRMED = 'b6a53d8a8025c0c5b194345925a99741b645cae0b1f180f0613273029f2bf698';
const UNCONFIRMED = '242f3fff9ca7d5aea7a7a57d886f3fa7329e24fac948598a991b3a3dd631cd29';
const UNKNOWN = '13f007241d78e8b0b4e57d2ae3fd37bcfe3226534d7cadeba5a549860d960db0';
const BLOCK = '000000000000000000019bfe551da67e0d93dda4b355d16f1fdb4031ba7e5d61';

let electrs: FakeElectrs;
beforeAll(async () => {
  electrs = await startFakeElectrs({
    tipHeight: 890_450,
    txStatus: new Map([
      [CONFIRMED, { confirmed: true, block_height: 890_448, block_hash: BLOCK, block_time: 1_743_541_850 }],
      [UNCONFIRMED, { confirmed: false }],
    ]),
    mempoolTxids: [UNCONFIRMED],
  });
});
afterAll(() => electrs.close());

const client = () => createEsploraClient({ url: electrs.url, timeoutMs: 500, retries: 2, backoffMs: 5 });

describe('esplora client', () => {
  it.each([
    {
      name: 'confirmed',
      txid: CONFIRMED,
      want: { confirmed: true, block_height: 890_448, block_hash: BLOCK, block_time: 1_743_541_850 },
    },
    { name: 'unconfirmed', txid: UNCONFIRMED, want: { confirmed: false } },
    { name: 'unknown (electrs says unconfirmed, 200)', txid: UNKNOWN, want: { confirmed: false } },
  ])('tx status: $name', async ({ txid, want }) => {
    await expect(client().getTxStatus(txid)).resolves.toEqual(want);
  });

  it('rejects a malformed txid before asking', async () => {
    electrs.requests.clear();
    await expect(client().getTxStatus('xyz')).rejects.toThrow(/txid must be 64 lowercase hex digits, got "xyz"/);
    expect(electrs.requests.size).toBe(0);
  });

  it('the fake answers a malformed txid like electrs: 400 "Invalid hex string"', async () => {
    const res = await fetch(`${electrs.url}/tx/nothex/status`);
    expect([res.status, await res.text()]).toEqual([400, 'Invalid hex string']);
  });

  it('tip height and hash follow setTip and an outside chain', async () => {
    electrs.setTip(890_451);
    await expect(client().getTipHeight()).resolves.toBe(890_451);
    expect(await client().getTipHash()).toMatch(/^0{19}[0-9a-f]{45}$/);
    let h = 100;
    const outside = await startFakeElectrs({ getTip: () => h });
    try {
      const c = createEsploraClient({ url: outside.url });
      await expect(c.getTipHeight()).resolves.toBe(100);
      h = 101;
      await expect(c.getTipHeight()).resolves.toBe(101);
    } finally {
      await outside.close();
    }
  });

  it('mempool txids', async () => {
    await expect(client().getMempoolTxids()).resolves.toEqual([UNCONFIRMED]);
  });

  it('down: retries then a SourceError with the status', async () => {
    electrs.setDown(true);
    electrs.requests.clear();
    try {
      const e = await client()
        .getTipHeight()
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(SourceError);
      expect((e as SourceError).details).toMatchObject({
        service: 'electrs',
        endpoint: '/blocks/tip/height',
        status: 503,
        retryable: true,
      });
      expect(electrs.requests.get('/blocks/tip/height')).toBe(3);
    } finally {
      electrs.setDown(false);
    }
  });

  it('a bad URL is a ConfigError naming the setting', () => {
    expect(() => createEsploraClient({ url: 'localhost:3001' })).toThrow(ConfigError);
    expect(() => createEsploraClient({ url: 'nope' })).toThrow(/ELECTRS_API_URL must be an http\(s\) URL, got "nope"/);
  });
});

describe('validateTxStatus (table)', () => {
  const rows: Array<{ name: string; body: unknown; err?: RegExp }> = [
    { name: 'unconfirmed', body: { confirmed: false } },
    { name: 'confirmed', body: { confirmed: true, block_height: 1, block_hash: BLOCK, block_time: 1_231_006_505 } },
    {
      name: 'confirmed without height',
      body: { confirmed: true, block_hash: BLOCK, block_time: 1 },
      err: /block_height must be a height, got nothing/,
    },
    {
      name: 'negative height',
      body: { confirmed: true, block_height: -1, block_hash: BLOCK, block_time: 1 },
      err: /block_height .* got -1/,
    },
    {
      name: 'short hash',
      body: { confirmed: true, block_height: 1, block_hash: 'abc', block_time: 1 },
      err: /block_hash must be 64 hex digits, got "abc"/,
    },
    { name: 'confirmed as string', body: { confirmed: 'true' }, err: /confirmed must be a boolean, got "true"/ },
    { name: 'not an object', body: 'ok', err: /expected a JSON object/ },
  ];
  it.each(rows)('$name', ({ body, err }) => {
    if (err) expect(() => validateTxStatus(body, '/tx/x/status')).toThrow(err);
    else expect(validateTxStatus(body, '/tx/x/status')).toEqual(body);
  });
});
