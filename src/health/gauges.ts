import type { NewestPrice, WhaleSnapshot } from './snapshot.js';
import type { Metric } from './types.js';

// The gauges an operator graphs besides the checks' own figures: what the newest price says and
// what whale-watch sees. Health-check runs hourly while Prometheus scrapes every few seconds, so
// each event also gets its Unix time: `time() - utxoracle_price_newest_timestamp_seconds` is the
// age at any scrape, where `utxoracle_price_age_seconds` is the age when health-check ran.

const gauge = (name: string, help: string, value: number): Metric => ({ name, help, value });

/** The newest `prices` row: its price, confidence, validity, window and the exchange comparison. */
export function newestPriceGauges(p: NewestPrice, atSec: number): Metric[] {
  const out = [
    gauge('utxoracle_price_usd', 'UTXOracle price of the newest prices row (USD per BTC).', p.utxoraclePrice),
    gauge('utxoracle_price_confidence', 'Confidence of the newest prices row (0..1).', p.confidence),
    gauge('utxoracle_price_valid', 'The newest prices row is valid (1) or not (0).', p.isValid ? 1 : 0),
    gauge('utxoracle_price_last_height', "Height of the last block in the newest price's window.", p.lastHeight),
    gauge('utxoracle_price_newest_timestamp_seconds', 'Unix time of the newest prices row.', atSec),
  ];
  // No exchange price saved with the row (mempool was down): no sample rather than a made-up one.
  if (p.mempoolPrice !== null && p.diffAmount !== null)
    out.push(
      gauge(
        'utxoracle_price_exchange_usd',
        'Exchange price (mempool) saved with the newest prices row (USD per BTC).',
        p.mempoolPrice,
      ),
      gauge(
        'utxoracle_price_diff_usd',
        'Exchange minus UTXOracle price of the newest prices row (its diff_amount, USD).',
        p.diffAmount,
      ),
      gauge(
        'utxoracle_price_diff_ratio',
        'Exchange minus UTXOracle price over the UTXOracle price, newest prices row (diff_percent / 100).',
        p.diffAmount / p.utxoraclePrice,
      ),
    );
  return out;
}

/** whale-watch: what it follows (newest heartbeat), the newest whale and how many the last day brought. */
export function whaleGauges(w: WhaleSnapshot): Metric[] {
  const out: Metric[] = [];
  if (w.tracked !== null)
    out.push(
      gauge('utxoracle_whale_tracked', 'Unconfirmed transactions whale-watch follows (newest heartbeat).', w.tracked),
    );
  if (w.connected !== null)
    out.push(
      gauge(
        'utxoracle_whale_connected',
        "whale-watch was connected to mempool's WebSocket at its newest heartbeat (1) or not (0).",
        w.connected ? 1 : 0,
      ),
    );
  if (w.whalesLastDay !== null)
    out.push(
      gauge(
        'utxoracle_whale_detected_last_day',
        'Whales (replacement chains counted once) first seen in the last 24 h.',
        w.whalesLastDay,
      ),
    );
  if (w.lastWhale)
    out.push(
      gauge('utxoracle_whale_last_timestamp_seconds', 'Unix time the newest whale was first seen.', w.lastWhale.at),
      gauge('utxoracle_whale_last_btc', 'Output total of the newest whale, BTC.', w.lastWhale.btc),
    );
  return out;
}
