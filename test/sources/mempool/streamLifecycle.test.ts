// MempoolStream's life: backoff steps under repeated refusals, handler failures, the async iterator,
// and close() releasing every socket and timer.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { type StreamEvent, createMempoolStream } from '../../../src/sources/mempool/stream.js';
import { makeTx, startFakeMempool } from '../../fakes/mempool/index.js';

async function until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sockets, servers and timers this process holds (Node's own view, as why-is-node-running uses). */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) {
    if (r === 'TCPSocketWrap' || r === 'TCPServerWrap' || r === 'Timeout') counts[r] = (counts[r] ?? 0) + 1;
  }
  return counts;
}

describe('MempoolStream lifecycle', () => {
  it('backs off 20, 40, 80, 100 ms while upgrades are refused, and starts over after a good connection', async () => {
    const fake = await startFakeMempool();
    const events: StreamEvent[] = [];
    const stream = createMempoolStream({ url: fake.wsUrl, backoff: { baseMs: 20, maxMs: 100, rng: () => 0 } });
    stream.on('*', (e) => void events.push(e));
    try {
      await fake.waitForClients(1);
      await until(() => events.some((e) => e.type === 'blocks'), 'first message');
      fake.setRejectWs(true);
      fake.cutConnections('close');
      const delays = () =>
        events.filter((e) => e.type === 'disconnected').map((e) => (e as { retryInMs: number }).retryInMs);
      await until(() => delays().length >= 5, 'five disconnects');
      expect(delays().slice(0, 5)).toEqual([20, 40, 80, 100, 100]);
      expect(events.find((e) => e.type === 'disconnected')).toMatchObject({ code: 1012 });
      fake.setRejectWs(false);
      await fake.waitForClients(1);
      await until(() => events.filter((e) => e.type === 'blocks').length >= 2, 'resubscribed blocks');
      const before = delays().length;
      fake.cutConnections('terminate');
      await until(() => delays().length > before, 'disconnect after recovery');
      expect(delays()[before]).toBe(20);
    } finally {
      await stream.close();
      await fake.close();
    }
  });

  it('a throwing or rejecting handler is reported and the stream goes on; events() ends on close', async () => {
    const fake = await startFakeMempool();
    const failures: unknown[] = [];
    const stream = createMempoolStream({ url: fake.wsUrl, onHandlerError: (err) => failures.push(err) });
    stream.on('transactions', () => {
      throw new Error('handler bug');
    });
    stream.on('transactions', async () => {
      throw new Error('async handler bug');
    });
    const seen: number[] = [];
    const loop = (async () => {
      for await (const e of stream.events()) if (e.type === 'transactions') seen.push(e.sequence);
      return 'ended';
    })();
    try {
      await fake.waitForClients(1);
      for (let i = 0; i < 3; i++)
        fake.addTxs([makeTx({ seed: `h${i}`, outputs: [{ address: 'bc1qx', value: 1000 }] })]);
      await until(() => seen.length >= 3, 'three deltas');
      expect(seen).toEqual([1, 2, 3]);
      await until(() => failures.length >= 6, 'six handler failures');
      expect(stream.stats.handlerErrors).toBe(6);
      expect(stream.connected).toBe(true);
    } finally {
      await stream.close();
      await fake.close();
    }
    await expect(loop).resolves.toBe('ended');
  });

  it('close() releases every socket and timer, also while waiting to reconnect', async () => {
    const baseline = handles();
    const fake = await startFakeMempool();
    const open = createMempoolStream({ url: fake.wsUrl, pingIntervalMs: 50 });
    const waiting = createMempoolStream({
      url: fake.wsUrl.replace('/api/v1/ws', '/nope'),
      backoff: { baseMs: 10_000, maxMs: 20_000 },
    });
    let waitingDisconnects = 0;
    waiting.on('disconnected', () => void waitingDisconnects++);
    await fake.waitForClients(1);
    await until(() => waitingDisconnects >= 1, 'refused stream waiting on backoff');
    expect((handles().TCPSocketWrap ?? 0) > (baseline.TCPSocketWrap ?? 0)).toBe(true);
    await open.close();
    await waiting.close();
    await fake.close();
    await until(
      () => {
        const now = handles();
        return ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'].every((k) => (now[k] ?? 0) <= (baseline[k] ?? 0));
      },
      `handles back to ${JSON.stringify(baseline)}, have ${JSON.stringify(handles())}`,
    );
  });

  it.each(['http://localhost:8999/api/v1/ws', 'not a url'])('rejects MEMPOOL_WS_URL %s', (url) => {
    expect(() => createMempoolStream({ url })).toThrow(ConfigError);
  });
});
