import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import { NodeOutage, isNodeOutage } from '../../../src/sources/bitcoind/outage.js';

// The restart wait on its own: which failures it covers, one wait for every request in flight, a
// line every 30 s saying what it waits for, and its limit. Time is the test's: each probe is 10 s.

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8332'), { code: 'ECONNREFUSED' });
const warming = () =>
  new SourceError('Bitcoin Core RPC getblockchaininfo failed: Loading block index… (code -28)', {
    service: 'bitcoind',
    endpoint: 'getblockchaininfo',
    code: -28,
    retryable: true,
  });

function setup(answers: (Error | 'ok')[], waitMs = 600_000) {
  let t = 0;
  const lines: string[] = [];
  const log = {
    debug: () => undefined,
    warn: (_o: object, m?: string) => lines.push(`warn ${m}`),
    info: (_o: object, m?: string) => lines.push(`info ${m}`),
  };
  let probes = 0;
  const outage = new NodeOutage({
    waitMs,
    log,
    pollMs: 0,
    now: () => t,
    probe: () => {
      t += 10_000;
      const a = answers[Math.min(probes++, answers.length - 1)]!;
      return a === 'ok' ? Promise.resolve() : Promise.reject(a);
    },
  });
  return { outage, lines, probes: () => probes };
}

describe('NodeOutage', () => {
  it('covers a node that is gone, warming up or behind a failing proxy; not a refusal of credentials', () => {
    expect(isNodeOutage(refused())).toBe(true);
    expect(isNodeOutage(warming())).toBe(true);
    expect(
      isNodeOutage(new SourceError('REST 503', { service: 'bitcoind-rest', endpoint: '/rest/block', status: 503 })),
    ).toBe(true);
    expect(
      isNodeOutage(new SourceError('HTTP 401', { service: 'bitcoind', endpoint: 'x', status: 401, retryable: false })),
    ).toBe(false);
    expect(
      isNodeOutage(
        new SourceError('Block not found (code -5)', { service: 'bitcoind', endpoint: 'getblock', code: -5 }),
      ),
    ).toBe(false);
  });

  it('says what it waits for every 30 s, and when the node is back', async () => {
    const s = setup([refused(), refused(), refused(), warming(), warming(), warming(), warming(), 'ok']);
    await s.outage.waitFor(refused());
    expect(s.lines).toEqual([
      'warn Bitcoin Core is not answering: connection refused (bitcoind is not running); waiting up to 600 s (BITCOIN_RESTART_WAIT_SEC) for it to come back',
      'warn Still waiting for Bitcoin Core (connection refused (bitcoind is not running)): 30 s of 600 s',
      expect.stringMatching(
        /^warn Still waiting for Bitcoin Core \(warming up \(Bitcoin Core RPC getblockchaininfo failed: Loading block index… \(code -28\)\)\): 60 s of 600 s$/,
      ),
      'info Bitcoin Core is back after 80 s; carrying on',
    ]);
  });

  it('requests in flight share one wait', async () => {
    const s = setup([refused(), 'ok']);
    await Promise.all([s.outage.waitFor(refused()), s.outage.waitFor(refused()), s.outage.waitFor(warming())]);
    expect(s.probes()).toBe(2);
    expect(s.lines.filter((l) => l.includes('not answering'))).toHaveLength(1);
  });

  it('gives up at its limit, saying why', async () => {
    const s = setup([refused()], 45_000);
    await expect(s.outage.waitFor(refused())).rejects.toThrow(
      'Bitcoin Core did not come back within 45 s (BITCOIN_RESTART_WAIT_SEC): connection refused (bitcoind is not running)',
    );
  });

  it('an answer that is no outage ends the wait with that answer', async () => {
    const denied = new SourceError('Bitcoin Core refused the RPC credentials (HTTP 401)', {
      service: 'bitcoind',
      endpoint: 'getblockchaininfo',
      status: 401,
      retryable: false,
    });
    const s = setup([refused(), denied]);
    await expect(s.outage.waitFor(refused())).rejects.toBe(denied);
  });
});
