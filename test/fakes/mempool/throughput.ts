// Throughput mode for benches: push `count` synthetic transactions at about `ratePerSec`, in deltas
// of `batchSize`. Batches are serialized before the clock starts and nothing is kept in the fake's
// mempool, so the figure measures the client, not the fake.
import type { FakeMempool } from './server.js';
import { makeTxBatch, withoutPrevouts } from './txs.js';

export interface ThroughputOptions {
  count: number;
  ratePerSec: number;
  batchSize?: number;
  /** Mark every n-th transaction a whale (outputs >= whaleSats), for whale-watch benches. 0 = none. */
  whaleEvery?: number;
  whaleSats?: number;
  seed?: string;
  signal?: AbortSignal;
}

export interface ThroughputResult {
  txs: number;
  batches: number;
  elapsedMs: number;
}

export function prepareBatches(o: ThroughputOptions): string[] {
  const size = Math.max(1, o.batchSize ?? 100);
  const txs = makeTxBatch(o.count, o.seed ?? 'bench');
  if (o.whaleEvery && o.whaleEvery > 0) {
    for (let i = o.whaleEvery - 1; i < txs.length; i += o.whaleEvery) {
      const out = txs[i]?.vout[0];
      if (out) out.value = o.whaleSats ?? 150 * 100_000_000;
    }
  }
  const batches: string[] = [];
  // On the wire as under mempool's default backend: no prevouts.
  for (let i = 0; i < txs.length; i += size) batches.push(JSON.stringify(txs.slice(i, i + size).map(withoutPrevouts)));
  return batches;
}

export async function pushThroughput(fake: FakeMempool, o: ThroughputOptions): Promise<ThroughputResult> {
  const batches = prepareBatches(o);
  const size = Math.max(1, o.batchSize ?? 100);
  const intervalMs = (1000 * size) / o.ratePerSec;
  fake.setMempoolBlocksOnUpdate(false);
  const start = performance.now();
  let sent = 0;
  for (const [i, batch] of batches.entries()) {
    if (o.signal?.aborted) break;
    fake.addSerialized(batch);
    sent++;
    // Pace against the schedule, not the previous send, so slow sends do not accumulate drift.
    const due = start + (i + 1) * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  }
  return { txs: Math.min(o.count, sent * size), batches: sent, elapsedMs: performance.now() - start };
}
