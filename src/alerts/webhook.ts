import { createHmac, randomUUID } from 'node:crypto';
import { request } from '../sources/http/request.js';
import type { Logger } from '../log/logger.js';
import type { DuckDBConnection } from '../store/duckdb.js';

/** Where alerts go and how they are signed (ALERT_WEBHOOK_URL, ALERT_WEBHOOK_SECRET). */
export interface WebhookTarget {
  readonly alertWebhookUrl: string | undefined;
  readonly alertWebhookSecret: string | undefined;
}

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertEvent {
  event_id: string;
  event_type: string;
  severity: Severity;
  timestamp: string;
  payload: Record<string, unknown>;
}

export interface DeliveryResult {
  event: AlertEvent;
  delivered: boolean;
  attempts: number;
  error?: string;
  /** A dry run: the event was logged, not sent. */
  dryRun?: boolean;
}

export interface AlertOptions {
  log: Logger;
  attempts?: number;
  timeoutMs?: number;
  /** Waits between attempts (ms); short, since a cron job must not stall on a dead webhook. */
  backoffMs?: number[];
  /** --dry-run: log what would be sent and send nothing. */
  dryRun?: boolean;
}

/** `sha256=<hex HMAC-SHA256 of the exact body>` for the X-UTXOracle-Signature header. */
export function signBody(body: string, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

export function makeEvent(event_type: string, severity: Severity, payload: Record<string, unknown>): AlertEvent {
  return { event_id: randomUUID(), event_type, severity, timestamp: new Date().toISOString(), payload };
}

/**
 * Posts the event to ALERT_WEBHOOK_URL (3 attempts, short timeouts). Delivery failure is logged
 * and returned, never thrown: an alert must not fail the job that raised it. A dry run sends nothing.
 */
export async function deliverAlert(
  settings: WebhookTarget,
  event: AlertEvent,
  opts: AlertOptions,
): Promise<DeliveryResult> {
  const url = settings.alertWebhookUrl;
  if (opts.dryRun) {
    // The payload is ours (prices, txids, check messages already masked): safe to log whole.
    opts.log.info(
      { event_type: event.event_type, severity: event.severity, payload: event.payload, webhook: url !== undefined },
      `[DRY-RUN] Would send alert ${event.event_type}`,
    );
    return { event, delivered: false, attempts: 0, dryRun: true };
  }
  if (!url) {
    opts.log.debug({ event_type: event.event_type }, 'no ALERT_WEBHOOK_URL set; alert not sent');
    return { event, delivered: false, attempts: 0, error: 'no webhook configured' };
  }
  const body = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'utxoracle-ops' };
  if (settings.alertWebhookSecret) headers['x-utxoracle-signature'] = signBody(body, settings.alertWebhookSecret);
  const attempts = opts.attempts ?? 3;
  const backoff = opts.backoffMs ?? [250, 1_000];
  let error = '';
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await request(new URL(url), {
        method: 'POST',
        body,
        headers,
        idleTimeoutMs: opts.timeoutMs ?? 3_000,
      });
      if (res.statusCode >= 200 && res.statusCode < 300) {
        opts.log.info({ event_id: event.event_id, event_type: event.event_type, attempt: i }, 'alert delivered');
        return { event, delivered: true, attempts: i };
      }
      error = `webhook answered HTTP ${res.statusCode}`;
    } catch (err) {
      error = `webhook unreachable: ${(err as Error).message}`;
    }
    if (i < attempts) await new Promise((r) => setTimeout(r, backoff[Math.min(i - 1, backoff.length - 1)]));
  }
  opts.log.warn({ event_id: event.event_id, event_type: event.event_type, attempts, error }, 'alert not delivered');
  return { event, delivered: false, attempts, error };
}

/** Records a delivery in alert_events (both databases have the table). */
export async function recordAlert(conn: DuckDBConnection, r: DeliveryResult): Promise<void> {
  await conn.run(
    `INSERT OR REPLACE INTO alert_events (event_id, event_type, severity, created_at, payload, delivered, attempts, last_error)
     VALUES ($1, $2, $3, $4::TIMESTAMP, $5, $6, $7, $8)`,
    [
      r.event.event_id,
      r.event.event_type,
      r.event.severity,
      r.event.timestamp,
      JSON.stringify(r.event.payload),
      r.delivered,
      r.attempts,
      r.error ?? null,
    ],
  );
}
