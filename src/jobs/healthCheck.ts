import { deliverAlert } from '../alerts/webhook.js';
import { EXIT, describeError, type ExitCode } from '../errors.js';
import { healthAlertEvent } from '../health/alert.js';
import { createHealthClients } from './healthCheckClients.js';
import { overallOf } from '../health/grade.js';
import { planChecks, type HealthDeps } from './healthCheckPlan.js';
import { checkPrometheusTarget, collectMetrics, renderMetrics, writeMetricsFile } from '../health/prometheus.js';
import { checkJson, reportLines } from '../health/report.js';
import { runChecks } from '../health/runner.js';
import { knownSecrets, maskResult } from '../health/secrets.js';
import type { OverallStatus } from '../health/types.js';
import { hashPath } from '../chain/nativeHash.js';
import type { JobContext, JobOutcome } from './context.js';

export interface HealthCheckOptions {
  /** node_exporter textfile to write (atomically); overrides HEALTH_PROMETHEUS_FILE. */
  prometheusFile?: string;
  /** Post the webhook when the run is not healthy. */
  alert: boolean;
}

const EXIT_OF: Record<OverallStatus, ExitCode> = { HEALTHY: EXIT.OK, DEGRADED: EXIT.DEGRADED, UNHEALTHY: EXIT.FAILED };

/**
 * health-check: every check at once, each within its timeout and all within the run's cap, then
 * the runbook's lines (or --json), the Prometheus textfile, and an alert when not healthy.
 * It only reads: databases are opened read-only and nothing is recorded in them.
 */
export async function runHealthCheck(opts: HealthCheckOptions, ctx: JobContext, deps: HealthDeps): Promise<JobOutcome> {
  const s = ctx.settings;
  // A bad target is bad usage: refuse before spending the run's time on checks.
  const promFile =
    opts.prometheusFile !== undefined
      ? checkPrometheusTarget(opts.prometheusFile, '--prometheus')
      : s.health.prometheusFile !== undefined
        ? checkPrometheusTarget(s.health.prometheusFile, 'HEALTH_PROMETHEUS_FILE')
        : undefined;
  const started = ctx.clock.now();
  const secrets = knownSecrets(s);
  const raw = await runChecks(planChecks(s, deps, ctx.log, ctx.clock), {
    checkTimeoutMs: s.health.checkTimeoutMs,
    totalTimeoutMs: s.health.totalTimeoutMs,
    signal: ctx.signal,
    clock: ctx.clock,
  });
  const checks = raw.map((c) => maskResult(c, secrets));
  const overall = overallOf(checks.map((c) => c.state));
  const finished = ctx.clock.now();
  for (const c of checks) {
    const fields = { check: c.key, state: c.state, figure: c.figure, duration_ms: c.durationMs };
    if (c.state === 'OK') ctx.log.debug(fields, `${c.label}: ${c.message}`);
    else ctx.log.warn(fields, `${c.label}: ${c.state} (${c.message})`);
  }
  ctx.log.info({ status: overall, duration_ms: finished - started }, `Overall Status: ${overall}`);

  const result: Record<string, unknown> = {
    status: overall,
    checked_at: new Date(finished).toISOString(),
    duration_ms: finished - started,
    checks: checks.map(checkJson),
    // Which block hashing analyze uses on this machine (native SHA-NI / portable C, or TypeScript).
    hashing: hashPath(),
  };

  if (promFile) {
    try {
      await writeMetricsFile(promFile, renderMetrics(collectMetrics(checks, overall, finished)));
      result.prometheus_file = promFile;
      ctx.log.debug({ file: promFile }, 'Prometheus metrics written');
    } catch (err) {
      // The report matters more than the metrics file: say so loudly, keep the health exit code.
      result.prometheus_error = describeError(err);
      ctx.log.error({ file: promFile, err: describeError(err) }, 'could not write the Prometheus metrics file');
    }
  }

  if (opts.alert && overall !== 'HEALTHY') {
    const r = await deliverAlert(s, healthAlertEvent(overall, checks), { log: ctx.log });
    result.alert = {
      event_id: r.event.event_id,
      delivered: r.delivered,
      attempts: r.attempts,
      ...(r.error ? { error: r.error } : {}),
    };
  }

  const failing = checks.filter((c) => c.state !== 'OK').map((c) => `${c.key} ${c.state}`);
  return {
    exitCode: EXIT_OF[overall],
    result,
    lines: reportLines(checks, overall),
    message: failing.length ? `${overall}: ${failing.join(', ')}` : overall,
  };
}

/** The job as the executable runs it: the real clients, closed however the run ends. */
export async function healthCheckMain(opts: HealthCheckOptions, ctx: JobContext): Promise<JobOutcome> {
  const clients = createHealthClients(ctx.settings, ctx.log, ctx.clock);
  ctx.defer(clients.close);
  return runHealthCheck(opts, ctx, clients.deps);
}
