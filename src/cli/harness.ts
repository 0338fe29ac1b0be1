import { randomUUID } from 'node:crypto';
import { prepareDataDir } from '../config/dataDir.js';
import { loadSettingsWithNotices } from '../config/load.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { stuckWork, untilAborted } from '../lib/deadline.js';
import type { Settings } from '../config/settings.js';
import { EXIT, UtxoracleError, describeError, exitCodeOf, type ExitCode } from '../errors.js';
import type { JobContext, JobOutcome } from '../jobs/context.js';
import { recordRun, type RunRecord } from '../jobs/runLog.js';
import { withSharedDatabases } from '../store/duckdb.js';
import { acquireJobLock } from '../lock/jobLock.js';
import type { Alerter } from '../alerts/alerter.js';
import { alerterFromSettings } from '../alerts/fromSettings.js';
import { createLogger, type Logger } from '../log/logger.js';

export interface CommonFlags {
  json?: boolean;
  verbose?: boolean;
  dryRun?: boolean;
}

export interface HarnessSpec {
  job: string;
  flags: CommonFlags;
  main: (ctx: JobContext) => Promise<JobOutcome>;
  /** Take the per-job lock (default true). Read-only views such as `--list` may skip it. */
  lock?: boolean;
  /** Lock name when it differs from the job (e.g. restore takes the backup lock). */
  lockName?: string;
  /** Write a job_runs row (default: true unless --dry-run). */
  recordRun?: boolean;
  /**
   * Keep a database open between back-to-back uses, the job_runs row included (see
   * withSharedDatabases); the job releases it before waiting on the network.
   */
  shareDatabases?: boolean;
  /** Hard cap on the run, settings phase included; the signal aborts then. */
  maxRuntimeMs?: number;
  /**
   * Checks of the settings that need the filesystem (a credential file), run in the settings phase
   * before the lock and before any network call: a bad one is exit 2 at once.
   */
  preflight?: (settings: Readonly<Settings>, signal: AbortSignal) => Promise<void>;
  /**
   * A failed run (exit 1) is this alert's condition (`backup_failed`, `archive_failed`): fired with the
   * error, resolved by the next run that does not fail.
   */
  failureAlert?: { type: string; subject: string; what: string };
  /** A missing UTXORACLE_ENV_FILE is not an error (backup --restore latest brings it back). */
  envFileOptional?: boolean;
  /** For tests: settings source, output sinks and the clock. */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  stdout?: (line: string) => void;
}

const STATUS: Record<number, RunRecord['status']> = { 0: 'ok', 1: 'failed', 2: 'usage', 3: 'degraded', 4: 'locked' };

/**
 * Runs one job the same way for every executable: settings, logger, lock, the job, the job_runs
 * row, the JSON document, cleanups in `finally`, and an unref'd backstop so cron never sees a hang.
 * Returns the exit code (the bin sets process.exitCode).
 */
export async function runJob(spec: HarnessSpec): Promise<ExitCode> {
  return spec.shareDatabases ? withSharedDatabases(() => runJobOnce(spec)) : runJobOnce(spec);
}

async function runJobOnce(spec: HarnessSpec): Promise<ExitCode> {
  const runId = randomUUID();
  const clock = spec.clock ?? systemClock;
  const startedAt = new Date(clock.now());
  const out = spec.stdout ?? ((l: string) => process.stdout.write(l + '\n'));
  let log: Logger = createLogger({ job: spec.job, run: runId, level: spec.flags.verbose ? 'debug' : 'info' });
  let settings: Readonly<Settings> | undefined;
  const cleanups: (() => void | Promise<void>)[] = [];
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    log.warn({ signal: sig }, `received ${sig}; finishing up`);
    abort.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let capTimer: NodeJS.Timeout | undefined;
  if (spec.maxRuntimeMs) {
    // Armed before the settings phase: a data directory on a dead mount must not outlive the cap.
    capTimer = setTimeout(() => {
      log.error({ maxRuntimeMs: spec.maxRuntimeMs }, 'run exceeded its time cap; aborting');
      abort.abort(new Error(`run exceeded ${spec.maxRuntimeMs} ms`));
    }, spec.maxRuntimeMs);
    capTimer.unref();
  }
  let code: ExitCode;
  let message: string;
  let alerts: Alerter | undefined;
  let silencedUntil: string | undefined;
  try {
    const read = loadSettingsWithNotices(spec.env ?? process.env, process.cwd(), {
      envFileOptional: spec.envFileOptional,
    });
    const loaded = read.settings;
    settings = loaded;
    log = createLogger({
      job: spec.job,
      run: runId,
      level: spec.flags.verbose ? 'debug' : loaded.logLevel,
      format: loaded.logFormat,
    });
    // Keys of the operator documents this suite reads differently: one line each, and the job runs.
    for (const n of read.notices) log.warn(n);
    alerts = alerterFromSettings(loaded, { log, dryRun: spec.flags.dryRun === true, clock });
    // A maintenance silence is said in every run's output while it lasts.
    silencedUntil = alerts.silence()?.until;
    if (silencedUntil) log.warn({ silenced_until: silencedUntil }, `Alerts are silenced until ${silencedUntil}`);
    // The settings phase touches the filesystem (the data directory, a cookie on a possibly dead
    // mount): it yields to SIGTERM and the cap like the rest of the run, whatever a step does.
    await untilAborted(
      (async () => {
        await prepareDataDir(loaded.dataDir, 'UTXORACLE_DATA_DIR', { signal: abort.signal });
        await spec.preflight?.(loaded, abort.signal);
      })(),
      abort.signal,
    );
    if (spec.lock !== false) {
      const lock = acquireJobLock(settings.lockDir, spec.lockName ?? spec.job);
      cleanups.push(() => lock.release());
    }
    const ctx: JobContext = {
      job: spec.job,
      runId,
      settings,
      log,
      signal: abort.signal,
      dryRun: spec.flags.dryRun === true,
      clock,
      alerts,
      env: spec.env ?? process.env,
      envFile: read.envFile,
      defer: (fn) => cleanups.push(fn),
    };
    const outcome = await spec.main(ctx);
    code = outcome.exitCode;
    message = outcome.message ?? (code === EXIT.OK ? 'ok' : 'degraded');
    // Read again: the run may have set or ended the silence itself (health-check --silence).
    silencedUntil = alerts.silence()?.until;
    const silence = silencedUntil ? { alerts_silenced_until: silencedUntil } : {};
    if (spec.flags.json)
      out(
        JSON.stringify({ job: spec.job, run_id: runId, exit_code: code, ...silence, ...outcome.result }, jsonReplacer),
      );
    else for (const l of [...(outcome.lines ?? []), ...silenceLine(silencedUntil, outcome.lines)]) out(l);
  } catch (err) {
    code = exitCodeOf(err);
    message = describeError(err);
    // Our own errors carry a complete message; only the unexpected ones need a stack.
    if (err instanceof UtxoracleError) log.error({ error: err.name }, message);
    else log.error({ error: errorFields(err) }, message);
    const silence = silencedUntil ? { alerts_silenced_until: silencedUntil } : {};
    if (spec.flags.json)
      out(JSON.stringify({ job: spec.job, run_id: runId, exit_code: code, ...silence, error: message }));
    else process.stderr.write(`${spec.job}: ${message}\n`);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (capTimer) clearTimeout(capTimer);
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'cleanup failed');
      }
    }
  }
  // A failed run is the condition; a run that did its work (ok or degraded) ends it. A usage error or a
  // held lock says nothing about it either way.
  if (spec.failureAlert && alerts) {
    if (code === EXIT.FAILED) await fireFailure(alerts, spec.failureAlert, message);
    else if (code === EXIT.OK || code === EXIT.DEGRADED) await resolveFailure(alerts, spec.failureAlert);
  }
  const shouldRecord = spec.recordRun ?? !spec.flags.dryRun;
  if (settings && shouldRecord && code !== EXIT.USAGE && code !== EXIT.LOCKED) {
    await recordRun(
      settings,
      {
        runId,
        job: spec.job,
        startedAt,
        finishedAt: new Date(clock.now()),
        status: STATUS[code] ?? 'failed',
        exitCode: code,
        message,
      },
      log,
    );
  }
  log.flush?.();
  return code;
}

/** The silence line, unless the job's own lines already say it (health-check --silence). */
const silenceLine = (until: string | undefined, lines: string[] = []): string[] =>
  until && !lines.some((l) => l.includes(until))
    ? [`Alerts are silenced until ${until} (health-check --silence off ends it)`]
    : [];

/** A failed backup or archive: its alert (never throws: the run's own error is what matters). */
async function fireFailure(alerts: Alerter, a: { type: string; subject: string; what: string }, message: string) {
  await alerts
    .fire(a.type, a.subject, 'critical', `${a.what} failed: ${message}`, { error: message })
    .catch(() => undefined);
}

async function resolveFailure(alerts: Alerter, a: { type: string; subject: string; what: string }) {
  await alerts.resolve(a.type, a.subject, `${a.what} succeeds again`).catch(() => undefined);
}

/** Entry point for the bins: run, set the exit code, and make sure the process ends. */
export async function runAndExit(spec: HarnessSpec): Promise<void> {
  const code = await runJob(spec);
  process.exitCode = code;
  // Anything still holding the event loop (a stuck socket, a forgotten timer) must not hang cron.
  // A filesystem call stuck in a libuv thread would hang process.exit itself (Node joins those
  // threads), so then the process ends by SIGKILL: the job's line and document are already out.
  setTimeout(() => (stuckWork() > 0 ? process.kill(process.pid, 'SIGKILL') : process.exit(code)), 3_000).unref();
}

function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { value: String(err) };
  return { type: err.name, message: err.message, stack: err.stack?.split('\n').slice(0, 6).join('\n') };
}

/** JSON without surprises: bigint as number when safe, Date as ISO, non-finite as null. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}
