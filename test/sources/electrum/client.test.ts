// The Electrum client against the fake Electrum server (romanz/electrs and Fulcrum flavours) over real
// sockets: the greeting romanz/electrs insists on, the tip, raw and verbose transactions, each
// server's "unknown transaction", a restart, and the wrong ports an operator may give it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import { ElectrumClient, ElectrumError } from '../../../src/sources/electrum/client.js';
import { startFakeElectrs, type FakeElectrs } from '../../fakes/electrs/server.js';
import { startFakeElectrum, type ElectrumFlavour, type FakeElectrum } from '../../fakes/electrum/server.js';
import { makeTx, startFakeMempool, type FakeMempool } from '../../fakes/mempool/index.js';
import { electrumViewOf } from '../../fakes/mempool/electrumView.js';
import { rawTxOf } from '../../fakes/mempool/raw.js';

let mempool: FakeMempool;
let http: FakeElectrs;
const servers: FakeElectrum[] = [];
const clients: ElectrumClient[] = [];
const pending = makeTx({ seed: 'electrum-pending', outputs: [{ address: 'bc1qfakepay1', value: 50_000 }] });

beforeAll(async () => {
  mempool = await startFakeMempool({ tipHeight: 870_123 });
  mempool.addTxs([pending]);
  http = await startFakeElectrs({ tipHeight: 870_123 });
});
afterAll(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) await s.close();
  await mempool.close();
  await http.close();
});

async function server(flavour: ElectrumFlavour, tls?: 'ca' | 'self-signed'): Promise<FakeElectrum> {
  const s = await startFakeElectrum({ flavour, view: electrumViewOf(mempool.state), tls });
  servers.push(s);
  return s;
}
function client(port: number, tls = false): ElectrumClient {
  const c = new ElectrumClient({ host: '127.0.0.1', port, tls, timeoutMs: 2000 });
  clients.push(c);
  return c;
}

describe.each(['electrs', 'fulcrum'] as const)('Electrum client against %s', (flavour) => {
  it('greets with exactly [name, "1.4"], then reads the tip and raw transactions', async () => {
    const s = await server(flavour);
    const c = client(s.port);
    expect(await c.getTipHeight()).toBe(870_123);
    expect(s.versions).toEqual([['utxoracle-ops', '1.4']]);
    expect(c.serverVersion).toBe(flavour === 'electrs' ? 'electrs/0.10.9' : 'Fulcrum 1.11.1');
    expect(await c.getTransactionHex(pending.txid)).toBe(rawTxOf(pending.txid)!.toString('hex'));
    // The funding transaction, confirmed: the verbose form says where.
    const funding = await c.getTransactionVerbose(pending.vin[0]!.txid);
    expect(funding).toMatchObject({ txid: pending.vin[0]!.txid, confirmations: 11 });
    // One connection for all of it.
    expect(s.requests.get('server.version')).toBe(1);
  });

  it("an unknown transaction is the server's own error, with its code", async () => {
    const s = await server(flavour);
    const err = (await client(s.port)
      .getTransactionHex('ee'.repeat(32))
      .catch((e: unknown) => e)) as ElectrumError;
    expect(err).toBeInstanceOf(ElectrumError);
    expect(err.rpcCode).toBe(flavour === 'electrs' ? 2 : 1);
    expect(err.rpcMessage).toMatch(
      flavour === 'electrs' ? /^No such mempool transaction\. Use -txindex/ : /^No transaction matching/,
    );
  });
});

describe('Electrum client, the connection', () => {
  it('reconnects after the server restarts (and greets it again)', async () => {
    const s = await server('electrs');
    const c = client(s.port);
    expect(await c.getTipHeight()).toBe(870_123);
    await s.setDown(true);
    const down = (await c.getTipHeight().catch((e: unknown) => e)) as SourceError;
    expect(down.message).toMatch(/Electrum server tcp:\/\/127\.0\.0\.1:\d+: (ECONNREFUSED|connection closed)/);
    expect(down.details.retryable).toBe(true);
    await s.setDown(false);
    expect(await c.getTipHeight()).toBe(870_123);
    expect(s.requests.get('server.version')).toBe(2);
  });

  it('an HTTP port given as the Electrum port says so in one line', async () => {
    const port = Number(new URL(http.url).port);
    const err = (await client(port)
      .getTipHeight()
      .catch((e: unknown) => e)) as SourceError;
    expect(err.message).toMatch(
      /^Electrum server tcp:\/\/127\.0\.0\.1:\d+ does not answer in the Electrum protocol: it sent "HTTP\/1\.1 400/,
    );
    expect(err.message).toContain('ELECTRUM_HOST/ELECTRUM_PORT must name an Electrum port');
    expect(err.details.retryable).toBe(false);
  });

  it('TLS: a self-signed certificate names NODE_EXTRA_CA_CERTS; TLS to a plain port and plain to a TLS port say which', async () => {
    const selfSigned = await server('fulcrum', 'self-signed');
    const e1 = (await client(selfSigned.port, true)
      .getTipHeight()
      .catch((e: unknown) => e)) as SourceError;
    expect(e1.message).toMatch(/^Electrum server: the TLS certificate of ssl:\/\/127\.0\.0\.1:\d+ does not verify/);
    expect(e1.message).toContain('NODE_EXTRA_CA_CERTS');
    const plain = await server('electrs');
    const e2 = (await client(plain.port, true)
      .getTipHeight()
      .catch((e: unknown) => e)) as SourceError;
    expect(e2.message).toMatch(/no TLS at ssl:\/\/127\.0\.0\.1:\d+ .*set ELECTRUM_TLS_ENABLED=false/);
    const tlsPort = await server('fulcrum', 'ca');
    const e3 = (await client(tlsPort.port, false)
      .getTipHeight()
      .catch((e: unknown) => e)) as SourceError;
    expect(e3).toBeInstanceOf(SourceError);
    expect(e3.message).toMatch(
      /^Electrum server tcp:\/\/127\.0\.0\.1:\d+ closed the connection without answering server\.version: if that port serves TLS \(50002\), set ELECTRUM_TLS_ENABLED=true$/,
    );
  });
});
