// The whale alert: one event per whale (alert-once is the store's job), carrying what an operator
// wants at a glance: value, flow, exchanges, fee rate, urgency, predicted block. Whales go to the
// whale route when there is one (alerts/router.ts; WHALE_ALERT_MIN_BTC there).
import type { Alerter } from '../alerts/alerter.js';
import type { DeliveryResult } from '../alerts/event.js';
import type { PredictionRow } from './rows.js';

export const WHALE_EVENT = 'whale_transaction';

export function whalePayload(r: PredictionRow): Record<string, unknown> {
  return {
    txid: r.txid,
    value_btc: r.totalBtc,
    // Exact amount as a decimal string: JSON numbers lose precision beyond 2^53 in some readers.
    value_sats: r.totalSats.toString(),
    flow: r.flow,
    exchanges: r.exchanges,
    prevouts_known: r.prevoutsKnown,
    fee_rate_sat_vb: r.feeRate === null ? null : Math.round(r.feeRate * 100) / 100,
    rbf: r.rbf,
    urgency: Math.round(r.urgency * 1000) / 1000,
    tip_height: r.tipHeight,
    predicted_height: r.predictedHeight,
    predicted_window: r.predictedWindow,
    detected_at: r.detectedAt.toISOString(),
  };
}

/** Sends one event per row, in order; never throws. */
export async function alertWhales(alerts: Alerter, rows: PredictionRow[]): Promise<DeliveryResult[]> {
  const out: DeliveryResult[] = [];
  for (const r of rows) {
    const where = r.exchanges.length ? ` (${r.flow}: ${r.exchanges.join(', ')})` : ` (${r.flow})`;
    out.push(await alerts.once(WHALE_EVENT, r.txid, 'info', `whale of ${r.totalBtc} BTC${where}`, whalePayload(r)));
  }
  return out;
}
