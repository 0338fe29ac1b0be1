import os from 'node:os';
import { makeEvent, type AlertEvent } from '../alerts/webhook.js';
import type { CheckResult, OverallStatus } from './types.js';

/**
 * The webhook event for a run that is not healthy: the common envelope (event_id, type, severity,
 * timestamp, payload) every job's alerts use, with the checks that are not OK in the payload.
 */
export function healthAlertEvent(
  overall: Exclude<OverallStatus, 'HEALTHY'>,
  checks: readonly CheckResult[],
): AlertEvent {
  const failing = checks.filter((c) => c.state !== 'OK');
  return makeEvent('health_check', overall === 'UNHEALTHY' ? 'critical' : 'warning', {
    status: overall,
    host: os.hostname(),
    summary: failing.map((c) => `${c.label}: ${c.state} (${c.message})`).join('; '),
    checks: failing.map((c) => ({ check: c.key, state: c.state, figure: c.figure, unit: c.unit, message: c.message })),
  });
}
