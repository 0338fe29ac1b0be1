// The executables against services behind a TLS proxy with a path prefix, trusted through
// NODE_EXTRA_CA_CERTS (Node reads it at start, so these runs are separate processes): a date
// priced with the parser threads fetching the blocks themselves over https (they used to crash on
// it), the cron run's exchange price, and without the CA a one-line error that says what to set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/bins.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';
import { startProxy, TEST_CA, type FakeProxy } from '../fakes/proxy/server.js';

describe('https and a path prefix, end to end', () => {
  let e: AnalyzeEnv;
  let core: FakeProxy;
  let mempool: FakeProxy;
  let env: Record<string, string>;
  beforeAll(async () => {
    e = await startAnalyzeEnv();
    core = await startProxy({ target: e.node.url, prefix: '/bitcoin', tls: 'ca' });
    mempool = await startProxy({ target: e.mempool.url, prefix: '/mempool', tls: 'ca' });
    env = { ...e.env, BITCOIN_RPC_URL: core.url, MEMPOOL_API_URL: mempool.url, ANALYZE_PARSE_THREADS: '2' };
  });
  afterAll(async () => {
    await Promise.all([core.close(), mempool.close()]);
    await e.close();
  });

  it('analyze --date: every block fetched over https under the prefix, by the parser threads', async () => {
    const r = await runBin('analyze', ['--date', '2025-06-01', '--json'], { ...env, NODE_EXTRA_CA_CERTS: TEST_CA });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { date: string; utxoracle_price: number };
    expect(doc.date).toBe('2025-06-01');
    const blocks = core.requests.filter((p) => /^\/bitcoin\/rest\/block\/[0-9a-f]{64}\.bin$/.test(p));
    expect(blocks.length).toBeGreaterThan(100);
    expect(core.requests.every((p) => p.startsWith('/bitcoin/'))).toBe(true);
  });

  it('analyze (the cron run): the exchange price over https under the prefix', async () => {
    const r = await runBin('analyze', ['--json'], { ...env, NODE_EXTRA_CA_CERTS: TEST_CA });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ mempool_price: 105_500, is_valid: true });
    expect(mempool.requests).toContain('/mempool/api/v1/prices');
  });

  it('without the CA: exit 1 and one line naming the URL and NODE_EXTRA_CA_CERTS', async () => {
    const r = await runBin('analyze', ['--date', '2025-06-01'], env);
    expect(r.exitCode).toBe(1);
    const line = r.stderr.trim().split('\n').pop()!;
    expect(line).toMatch(
      new RegExp(`^analyze: Bitcoin Core: the TLS certificate of ${core.url.replace(/[.]/g, '\\.')} does not verify`),
    );
    expect(line).toContain('NODE_EXTRA_CA_CERTS');
  });
});
