import type { Alerter } from '../alerts/alerter.js';
import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import type { ExitCode } from '../errors.js';
import type { Clock } from '../lib/clock.js';

/** What a job run gets from the harness: settings, a per-run logger, cancellation and cleanup. */
export interface JobContext {
  job: string;
  runId: string;
  settings: Readonly<Settings>;
  log: Logger;
  /** Aborted on SIGTERM/SIGINT or when the run exceeds its time cap. */
  signal: AbortSignal;
  dryRun: boolean;
  /** The run's clock (the system clock; tests give another). */
  clock: Clock;
  /** The run's alerts (built once from the settings): conditions fired and resolved, one-off events. */
  alerts: Alerter;
  /** The environment the settings were read from (health-check --config shows where each came from). */
  env: NodeJS.ProcessEnv;
  /** The .env file the settings were read from, or would be (UTXORACLE_ENV_FILE or ./.env). */
  envFile?: string;
  /** Registers a cleanup that runs (in reverse order) however the run ends. */
  defer(cleanup: () => void | Promise<void>): void;
}

export interface JobOutcome {
  /** 0 success, 3 done but degraded, 1 failed (when the job wants to fail without throwing). */
  exitCode: ExitCode;
  /** The job's result document, printed as one JSON line on stdout with --json. */
  result: Record<string, unknown>;
  /** Lines for a person, printed on stdout without --json. */
  lines?: string[];
  /** One line for job_runs.message. */
  message?: string;
}
