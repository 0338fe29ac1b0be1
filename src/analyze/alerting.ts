import { makeEvent, recordAlert, type AlertEvent, type DeliveryResult, type Severity } from '../alerts/webhook.js';
import type { Logger } from '../log/logger.js';
import type { PriceDb } from './priceDb.js';

/** Where an analyze alert goes: the webhook (the job wires it), and the table that records it. */
export interface AlertSink {
  /** Sends the event, or logs it in a dry run; never throws. */
  send(event: AlertEvent): Promise<DeliveryResult>;
  /** Records deliveries in alert_events; undefined when nothing is recorded (dry runs). */
  record: PriceDb | undefined;
}

/**
 * Sends a signed alert and records it in the price database's alert_events. Never throws:
 * neither a dead webhook nor a busy database may fail the run that raised it.
 */
export async function raiseAlert(
  sink: AlertSink,
  log: Logger,
  type: string,
  severity: Severity,
  payload: Record<string, unknown>,
): Promise<void> {
  const result = await sink.send(makeEvent(type, severity, payload));
  if (!sink.record || result.dryRun) return;
  await sink.record
    .use((conn) => recordAlert(conn, result), { retries: 3 })
    .catch((err: unknown) => {
      log.warn({ err: (err as Error).message, event_type: type }, 'could not record the alert in alert_events');
    });
}
