// The shape every health check reports, whatever it looks at. A check is a small function over an
// injected client or snapshot; the runner adds timing and timeouts, the job adds output.

export type CheckState = 'OK' | 'WARN' | 'CRIT';

/** Numeric value of a state, as exported to Prometheus (0 OK, 1 WARN, 2 CRIT). */
export const STATE_VALUE: Record<CheckState, 0 | 1 | 2> = { OK: 0, WARN: 1, CRIT: 2 };

export type OverallStatus = 'HEALTHY' | 'DEGRADED' | 'UNHEALTHY';

/** The limits a figure was graded against, in the figure's unit. */
export interface Threshold {
  /** How the figure is compared: `>=`/`>` mean "higher is worse", `<` means "fewer is worse". */
  op: '>=' | '>' | '<';
  warn: number;
  crit: number;
  unit: string;
}

/** One gauge sample for the textfile collector. */
export interface Metric {
  name: string;
  help: string;
  value: number;
  labels?: Record<string, string>;
}

/** What a check function returns. */
export interface CheckOutcome {
  state: CheckState;
  /** The headline number (height, lag, ms, bytes, seconds, count, ratio); null when unknown. */
  figure: number | null;
  unit: string;
  threshold: Threshold | null;
  /** Short text for the line after the state, e.g. `height: 867123`. */
  message: string;
  /** Gauges besides the per-check state (which the job adds for every check). */
  metrics: Metric[];
  details?: Record<string, unknown>;
}

/** A check's outcome as reported: with its key, label and how long it took. */
export interface CheckResult extends CheckOutcome {
  key: string;
  label: string;
  durationMs: number;
}

export interface CheckDef {
  key: string;
  /** The name a person reads: `Bitcoin Core RPC`. */
  label: string;
  /** State when the check neither answers within its timeout nor before the run's cap. */
  timeoutState: CheckState;
  run(signal: AbortSignal): Promise<CheckOutcome>;
}
