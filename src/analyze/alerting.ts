import { deliverAlert, makeEvent, recordAlert, type Severity } from '../alerts/webhook.js';
import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import { withPriceDb } from '../store/databases.js';
import { releaseSharedDatabases } from '../store/duckdb.js';

/**
 * Sends a signed alert and records it in the price database's alert_events. Never throws:
 * neither a dead webhook nor a busy database may fail the run that raised the alert.
 */
export async function raiseAlert(
  s: Readonly<Settings>,
  log: Logger,
  type: string,
  severity: Severity,
  payload: Record<string, unknown>,
  opts: { record: boolean; dryRun: boolean; backoffMs?: number[] },
): Promise<void> {
  releaseSharedDatabases(); // no database held while the webhook is tried
  const result = await deliverAlert(s, makeEvent(type, severity, payload), {
    log,
    backoffMs: opts.backoffMs,
    dryRun: opts.dryRun,
  });
  if (!opts.record || result.dryRun) return;
  await withPriceDb(s, (conn) => recordAlert(conn, result), { logger: log, retries: 3 }).catch((err: unknown) => {
    log.warn({ err: (err as Error).message, event_type: type }, 'could not record the alert in alert_events');
  });
}
