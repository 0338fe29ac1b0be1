import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeElectrum, type ElectrumFlavour, type FakeElectrum } from '../fakes/electrum/server.js';
import { startProxy, TEST_CA, type FakeProxy } from '../fakes/proxy/server.js';
import { runBin } from '../helpers/bins.js';
import {
  check,
  makeDataDir,
  runHealth,
  startServices,
  type CheckJson,
  type DataDir,
  type Services,
} from './jobFixture.js';

// health-check's index and exchange checks on the stacks operators run: the lag through an Electrum
// server (romanz/electrs, Fulcrum: blockchain.headers.subscribe) when there is no Esplora API, "not
// configured" (never CRIT) when the operator has no index server or no exchange price by choice, and
// an ELECTRS_API_URL pointed at an Electrum port named as such.

let s: Services;
beforeAll(async () => {
  s = await startServices();
});
afterAll(async () => {
  await s?.close();
});
const dirs: DataDir[] = [];
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) d.remove();
  for (const x of servers.splice(0)) await x.close();
});

async function electrum(flavour: ElectrumFlavour, behind = 0, tls?: 'ca'): Promise<FakeElectrum> {
  const e = await startFakeElectrum({
    flavour,
    tls,
    view: { tip: () => ({ height: s.tip - behind, headerHex: '00'.repeat(80) }), tx: () => undefined },
  });
  servers.push(e);
  return e;
}

async function health(env: Record<string, string>) {
  const d = await makeDataDir(s);
  dirs.push(d);
  return runHealth(d, env);
}

/** The executable, for TLS: Node reads NODE_EXTRA_CA_CERTS when a process starts. */
async function healthBin(env: Record<string, string>): Promise<(key: string) => CheckJson> {
  const d = await makeDataDir(s);
  dirs.push(d);
  const r = await runBin('health-check', ['--json'], { ...d.env, ...env, NODE_EXTRA_CA_CERTS: TEST_CA });
  const doc = JSON.parse(r.stdout) as { checks: CheckJson[] };
  return (key) => doc.checks.find((c) => c.check === key)!;
}

describe('the index server check', () => {
  it.each(['electrs', 'fulcrum'] as const)(
    '%s over the Electrum protocol: the lag from headers.subscribe',
    async (flavour) => {
      const e = await electrum(flavour, 4);
      const r = await health({ ELECTRS_API_URL: 'none', ELECTRUM_HOST: e.host, ELECTRUM_PORT: String(e.port) });
      expect(check(r, 'electrs')).toMatchObject({ state: 'WARN', figure: 4 });
      expect(check(r, 'electrs').message).toBe(`lag: 4 blocks, tip: ${s.tip - 4} via tcp://${e.host}:${e.port}`);
      expect(e.requests.get('blockchain.headers.subscribe')).toBeGreaterThanOrEqual(1);
    },
  );

  it('Fulcrum over TLS (ELECTRUM_TLS_ENABLED, its CA in NODE_EXTRA_CA_CERTS for the process)', async () => {
    const e = await electrum('fulcrum', 0, 'ca');
    const checkOf = await healthBin({
      ELECTRS_API_URL: 'none',
      ELECTRUM_HOST: 'localhost',
      ELECTRUM_PORT: String(e.port),
      ELECTRUM_TLS_ENABLED: 'true',
    });
    expect(checkOf('electrs')).toMatchObject({ state: 'OK', figure: 0 });
  });

  it('no index server at all (ELECTRS_API_URL=none, no ELECTRUM_HOST): not configured, and HEALTHY', async () => {
    const r = await health({ ELECTRS_API_URL: 'none' });
    expect(check(r, 'electrs')).toMatchObject({ state: 'OK', message: expect.stringMatching(/^not configured/) });
    expect(r.lines).toContainEqual(expect.stringMatching(/^➖ electrs: not configured/));
    expect(r.json.status).toBe('HEALTHY');
    expect(r.prom.has('utxoracle_electrs_lag_blocks')).toBe(false);
  });

  it('ELECTRS_API_URL pointed at an Electrum port: one line saying so, not a parser code', async () => {
    const e = await electrum('electrs');
    const r = await health({ ELECTRS_API_URL: `http://${e.host}:${e.port}` });
    const c = check(r, 'electrs');
    expect(c.state).toBe('CRIT');
    expect(c.message).toMatch(
      /answers like an Electrum server \(JSON-RPC lines\), not HTTP: give its host and port to ELECTRUM_HOST\/ELECTRUM_PORT/,
    );
    expect(c.message).not.toMatch(/HPE_/);
  });

  it('an Esplora API behind a path prefix over https', async () => {
    const p: FakeProxy = await startProxy({ target: s.electrs.url, prefix: '/electrs/api', tls: 'ca' });
    servers.push(p);
    const checkOf = await healthBin({ ELECTRS_API_URL: p.url });
    expect(checkOf('electrs')).toMatchObject({ state: 'OK', figure: 0 });
    expect(p.requests.every((q) => q.startsWith('/electrs/api/'))).toBe(true);
  });
});

describe('the exchange price check', () => {
  it('MEMPOOL_API_URL=none: not configured, and HEALTHY', async () => {
    const r = await health({ MEMPOOL_API_URL: 'none' });
    expect(check(r, 'mempool')).toMatchObject({ state: 'OK', message: expect.stringMatching(/^not configured/) });
    expect(r.json.status).toBe('HEALTHY');
  });

  it('mempool answering without a price (its feed off): WARN saying so, not "down"', async () => {
    s.mempool.setPrice(-1, 0);
    try {
      const r = await health({});
      expect(check(r, 'mempool').state).toBe('WARN');
      expect(check(r, 'mempool').message).toMatch(/no (exchange )?price/i);
    } finally {
      s.mempool.setPrice(67_234.56, Math.floor(Date.now() / 1000));
    }
  });
});
