// What the whale-watch scenario tests share: a world with a fixed projection, the columns they
// compare, fee rates and urgencies from their definitions, and the exact alerts received.
import { expect } from 'vitest';
import type { FakeTx } from '../fakes/mempool/index.js';
import { projected } from './helpers.js';
import { startWorld, type World } from './jobHarness.js';

/** Tip of every scenario world. */
export const TIP = 850_000;

const worlds: World[] = [];
export async function closeWorlds(): Promise<void> {
  for (const w of worlds.splice(0)) await w.close();
}

/**
 * A world whose mempool projects four blocks with floors 20, 10, 5, 2 sat/vB (next block median
 * 30), sent on subscribing. With n = 4 blocks, a fee rate r gets (src/whale/urgency.ts):
 *   r >= 20: k = 0, urgency 0.75 + 0.25 * min(1, (r - 20) / 10)
 *   k >= 1:  urgency 0.75 * (1 - k/4) + 0.1875 * (r - floor_k) / (floor_{k-1} - floor_k)
 * and a predicted height TIP + k + 1.
 */
export async function world(env: Record<string, string> = {}): Promise<World> {
  const w = await startWorld(env, TIP);
  worlds.push(w);
  w.fake.state.projectedOverride = [projected(20, 30), projected(10, 15), projected(5, 7), projected(2, 3)].map(
    (b) => ({ ...b }),
  );
  return w;
}

export const PRED_COLS = `txid, total_sats, fee_rate, flow, exchanges, prevouts_known, rbf, urgency, tip_height,
  predicted_height, predicted_window, replaces_txid, root_txid, alerted`;
export const OUT_COLS = `txid, outcome, confirmed_height, confirmed_txid, blocks_vs_predicted, within_window,
  replaced_by, source`;

/** mempool's fee rate: fee / (weight / 4) sat/vB (transaction-utils.ts extendMempoolTransaction). */
export const rateOf = (t: Pick<FakeTx, 'fee' | 'weight'>): number => t.fee / (t.weight / 4);

export interface Outcome {
  txid: string;
  outcome: string;
  confirmed_height: number | null;
  confirmed_txid: string | null;
  blocks_vs_predicted: number | null;
  within_window: boolean | null;
  replaced_by: string | null;
  source: string;
}

export const byTxid = <T extends { txid: string }>(rows: T[]): T[] =>
  [...rows].sort((a, b) => a.txid.localeCompare(b.txid));

/** Every alert the hook received, checked signed, as {txid -> payload}; fails on a second alert for a txid. */
export function alerts(w: World): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const p of w.hook.posts) {
    expect(p.signatureOk).toBe(true);
    expect(p.body).toMatchObject({ event_type: 'whale_transaction', severity: 'info' });
    const payload = p.body.payload as Record<string, unknown>;
    const txid = payload.txid as string;
    expect(out.has(txid), `second alert for ${txid}`).toBe(false);
    out.set(txid, payload);
  }
  return out;
}

/** The alert payload a prediction row must produce (src/whale/alert.ts), from the row's expected values. */
export function alertFor(p: {
  txid: string;
  total_sats: bigint;
  fee_rate: number;
  flow: string;
  exchanges: string;
  prevouts_known: boolean;
  rbf: boolean;
  urgency: number;
  tip_height: number | null;
  predicted_height: number | null;
  predicted_window: number | null;
}): Record<string, unknown> {
  return {
    txid: p.txid,
    value_btc: Number(p.total_sats) / 1e8,
    value_sats: p.total_sats.toString(),
    flow: p.flow,
    exchanges: p.exchanges === '' ? [] : p.exchanges.split(','),
    prevouts_known: p.prevouts_known,
    fee_rate_sat_vb: Math.round(p.fee_rate * 100) / 100,
    rbf: p.rbf,
    urgency: Math.round(p.urgency * 1000) / 1000,
    tip_height: p.tip_height,
    predicted_height: p.predicted_height,
    predicted_window: p.predicted_window,
    detected_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
  };
}
