// health-check --alert: each check is a condition of its own (key `health_check:<check>`): a check
// that turns WARN or CRIT is announced once (again when it goes from WARN to CRIT, and as a reminder
// after ALERT_COOLDOWN_SECONDS), and once more when it is OK again — not one alert every hour while
// the node stays DEGRADED.
import os from 'node:os';
import type { Alerter } from '../alerts/alerter.js';
import type { DeliveryResult } from '../alerts/event.js';
import type { CheckResult, OverallStatus } from './types.js';

export const HEALTH_EVENT = 'health_check';

export async function reportHealth(
  alerts: Alerter,
  checks: readonly CheckResult[],
  overall: OverallStatus,
): Promise<DeliveryResult[]> {
  const host = os.hostname();
  const out: DeliveryResult[] = [];
  for (const c of checks) {
    const payload = {
      check: c.key,
      label: c.label,
      state: c.state,
      figure: c.figure,
      unit: c.unit,
      message: c.message,
      overall,
      host,
    };
    const r =
      c.state === 'OK'
        ? await alerts.resolve(HEALTH_EVENT, c.key, `${c.label}: OK (${c.message})`, payload)
        : await alerts.fire(
            HEALTH_EVENT,
            c.key,
            c.state === 'CRIT' ? 'critical' : 'warning',
            `${c.label}: ${c.state} (${c.message})`,
            payload,
          );
    if (r) out.push(r);
  }
  return out;
}
