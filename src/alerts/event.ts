// What every alert is, whichever job raises it and whichever sink carries it: one JSON object
// {event_id, event_type, key, status, severity, timestamp, summary, payload}. `key` is the condition
// (type + subject: `mempool_no_price:mempool`, `health_check:disk`): it is sent once when it starts
// (`firing`), again at most every ALERT_COOLDOWN_SECONDS while it lasts, and once more when it clears
// (`resolved`, "RECOVERED"). A whale is its own key and never resolves. `test` is health-check
// --test-alert's.
import { randomUUID } from 'node:crypto';

export type Severity = 'info' | 'warning' | 'critical';
export type AlertStatus = 'firing' | 'resolved' | 'test';

export interface AlertEvent {
  event_id: string;
  event_type: string;
  key: string;
  status: AlertStatus;
  severity: Severity;
  timestamp: string;
  /** One line for a person: `FIRING: …` / `RECOVERED: …`. */
  summary: string;
  payload: Record<string, unknown>;
}

export interface DeliveryResult {
  event: AlertEvent;
  delivered: boolean;
  attempts: number;
  error?: string;
  /** A dry run: the event was logged, not sent. */
  dryRun?: boolean;
  /** The setting of the sink that carried it (ALERT_WEBHOOK_URL, WHALE_WEBHOOK_URL); none: no sink. */
  sink?: string;
}

export const keyOf = (type: string, subject: string): string => `${type}:${subject}`;

export function makeEvent(
  type: string,
  subject: string,
  status: AlertStatus,
  severity: Severity,
  summary: string,
  payload: Record<string, unknown>,
  now: () => number = Date.now,
): AlertEvent {
  const word = status === 'resolved' ? 'RECOVERED' : status === 'test' ? 'TEST' : 'FIRING';
  return {
    event_id: randomUUID(),
    event_type: type,
    key: keyOf(type, subject),
    status,
    severity,
    timestamp: new Date(now()).toISOString(),
    summary: `${word}: ${summary}`,
    payload,
  };
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
export const worse = (a: Severity, b: Severity): boolean => RANK[a] > RANK[b];
