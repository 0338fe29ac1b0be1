// Block summaries and projected blocks in mempool's shapes (`blocks`/`block` and `mempool-blocks`
// messages; see details_rbf_tx0*_ws_*.json). Heights and hashes come from the caller or are derived,
// so the fake can follow a tip given from outside (e.g. the synthetic chain's).
import { createHash } from 'node:crypto';

export type Json = Record<string, unknown>;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A stable fake block hash for a height (leading zeros, like a real one). */
export function fakeBlockHash(height: number): string {
  return `00000000000000000000${sha256(`fake-block:${height}`).slice(20)}`;
}

export interface MakeBlockOptions {
  height: number;
  id?: string;
  previousblockhash?: string;
  /** Unix seconds; default 600 s per height from a fixed epoch, so heights map to plausible times. */
  timestamp?: number;
  txCount?: number;
  medianFee?: number;
}

/** A block summary with the fields of mempool's BlockExtended (a subset of `extras`). */
export function makeBlock(o: MakeBlockOptions): Json {
  const timestamp = o.timestamp ?? 1_231_006_505 + o.height * 600;
  const txCount = o.txCount ?? 2500;
  return {
    id: o.id ?? fakeBlockHash(o.height),
    height: o.height,
    version: 0x20000000,
    timestamp,
    bits: 386038124,
    nonce: o.height * 7919,
    difficulty: 113757508810854,
    merkle_root: sha256(`merkle:${o.height}`),
    tx_count: txCount,
    size: 1_500_000,
    weight: 3_993_000,
    previousblockhash: o.previousblockhash ?? (o.height > 0 ? fakeBlockHash(o.height - 1) : '0'.repeat(64)),
    mediantime: timestamp - 3000,
    stale: false,
    extras: {
      reward: 312_500_000 + 2_000_000,
      medianFee: o.medianFee ?? 2.1,
      feeRange: [1, 2, 2.2, 3, 3.6, 6, 217],
      totalFees: 2_000_000,
      avgFee: 800,
      avgFeeRate: 3,
      pool: { id: 0, name: 'Unknown', slug: 'unknown', minerNames: null },
      matchRate: 100,
    },
  };
}

/** The `blocks` list mempool sends on subscribing: the last `count` blocks up to the tip, oldest first. */
export function makeRecentBlocks(tipHeight: number, count = 8): Json[] {
  const out: Json[] = [];
  for (let h = Math.max(0, tipHeight - count + 1); h <= tipHeight; h++) out.push(makeBlock({ height: h }));
  return out;
}

interface FeeTx {
  vsize: number;
  fee: number;
  feePerVsize: number;
  weight: number;
}

const BLOCK_VSIZE = 1_000_000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/**
 * Projected blocks from the mempool's transactions, as mempool's `mempool-blocks`: best fee rate
 * first, ~1 MvB each, at most `maxBlocks` (mempool shows 8; the last one takes the rest).
 */
export function projectMempoolBlocks(txs: Iterable<FeeTx>, maxBlocks = 8): Json[] {
  const sorted = [...txs].sort((a, b) => b.feePerVsize - a.feePerVsize);
  const blocks: FeeTx[][] = [];
  let cur: FeeTx[] = [];
  let vsize = 0;
  for (const tx of sorted) {
    if (vsize + tx.vsize > BLOCK_VSIZE && cur.length > 0 && blocks.length < maxBlocks - 1) {
      blocks.push(cur);
      cur = [];
      vsize = 0;
    }
    cur.push(tx);
    vsize += tx.vsize;
  }
  if (cur.length > 0) blocks.push(cur);
  return blocks.map((b) => {
    const rates = b.map((t) => t.feePerVsize).sort((x, y) => x - y);
    return {
      blockSize: b.reduce((s, t) => s + Math.ceil(t.weight / 2), 0),
      blockVSize: b.reduce((s, t) => s + t.vsize, 0),
      nTx: b.length,
      totalFees: b.reduce((s, t) => s + t.fee, 0),
      medianFee: percentile(rates, 0.5),
      // Seven points like mempool's feeRange: min, 10th, 25th, 50th, 75th, 90th, max.
      feeRange: [
        rates[0] ?? 0,
        ...[0.1, 0.25, 0.5, 0.75, 0.9].map((p) => percentile(rates, p)),
        rates[rates.length - 1] ?? 0,
      ],
    };
  });
}
