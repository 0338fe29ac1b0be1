// The whale alert: one signed webhook event per whale (alert-once is the store's job), carrying what
// an operator wants at a glance: value, flow, exchanges, fee rate, urgency, predicted block.
import {
  deliverAlert,
  makeEvent,
  type AlertEvent,
  type DeliveryResult,
  type WebhookTarget,
} from '../alerts/webhook.js';
import type { Logger } from '../log/logger.js';
import type { PredictionRow } from './rows.js';

export const WHALE_EVENT = 'whale_transaction';

export function whaleEvent(r: PredictionRow): AlertEvent {
  return makeEvent(WHALE_EVENT, 'info', {
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
  });
}

/** Sends one event per row, in order; never throws (deliverAlert does not). */
export async function alertWhales(
  settings: WebhookTarget,
  log: Logger,
  rows: PredictionRow[],
): Promise<DeliveryResult[]> {
  const out: DeliveryResult[] = [];
  for (const r of rows) {
    out.push(await deliverAlert(settings, whaleEvent(r), { log }));
  }
  return out;
}
