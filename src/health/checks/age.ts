import { grade } from '../grade.js';
import type { CheckOutcome, Threshold } from '../types.js';

export interface AgeSpec {
  /** Unix seconds of the newest event (a price, a backup, a heartbeat); null when there is none. */
  at: number | null;
  nowSec: number;
  /** Warn/crit in seconds (op '>'). */
  threshold: Threshold;
  /** The outcome when there has never been an event. */
  none: { state: CheckOutcome['state']; message: string };
  message: (ageSec: number) => string;
  metric: { name: string; help: string };
  details?: Record<string, unknown>;
}

/** The shape every "how old is the newest X" check shares: graded age, one gauge, a message. */
export function ageOutcome(spec: AgeSpec): CheckOutcome {
  const { threshold } = spec;
  if (spec.at === null)
    return { state: spec.none.state, figure: null, unit: 's', threshold, message: spec.none.message, metrics: [] };
  const age = spec.nowSec - spec.at;
  return {
    state: grade(age, threshold),
    figure: age,
    unit: 's',
    threshold,
    message: spec.message(age),
    metrics: [{ ...spec.metric, value: age }],
    ...(spec.details ? { details: spec.details } : {}),
  };
}
