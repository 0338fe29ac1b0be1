// Which sink an event goes to. Whale alerts (whales and whale accuracy) go to WHALE_WEBHOOK_URL when
// it is set — and then never to the ops webhook, so 50-100 whales a day do not drown "the database is
// down" — else to ALERT_WEBHOOK_URL, as everything else does. WHALE_ALERT_MIN_BTC leaves smaller
// whales unalerted (they are still saved). An event no sink takes is "not sent", not an error.
import type { AlertSink } from '../sources/types.js';
import type { AlertEvent, DeliveryResult } from './event.js';

/** The event types of the whale route. */
export const WHALE_EVENTS: ReadonlySet<string> = new Set(['whale_transaction', 'whale_accuracy_low']);

export interface RouterOptions {
  ops: AlertSink | undefined;
  whale: AlertSink | undefined;
  /** Whale transactions below this many BTC are not sent (0: all). */
  whaleMinBtc: number;
}

export class AlertRouter implements AlertSink {
  readonly name = 'router';

  constructor(private readonly o: RouterOptions) {}

  /** Every configured sink, for health-check --test-alert. */
  get sinks(): AlertSink[] {
    return [this.o.ops, this.o.whale].filter((s): s is AlertSink => s !== undefined);
  }

  /** The sink `event` goes to, or undefined (none configured, or a whale below WHALE_ALERT_MIN_BTC). */
  route(event: AlertEvent): AlertSink | undefined {
    if (!WHALE_EVENTS.has(event.event_type)) return this.o.ops;
    if (event.event_type === 'whale_transaction' && this.o.whaleMinBtc > 0) {
      const btc = event.payload.value_btc;
      if (typeof btc === 'number' && btc < this.o.whaleMinBtc) return undefined;
    }
    return this.o.whale ?? this.o.ops;
  }

  send(event: AlertEvent): Promise<DeliveryResult> {
    const sink = this.route(event);
    if (!sink) return Promise.resolve({ event, delivered: false, attempts: 0, error: 'no sink for this alert' });
    return sink.send(event);
  }
}
