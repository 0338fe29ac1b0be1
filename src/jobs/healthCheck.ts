import os from 'node:os';
import { setSilence } from '../alerts/silence.js';
import { describeSettings, loadSettingsWithNotices } from '../config/load.js';
import { ConfigError, EXIT, describeError, type ExitCode } from '../errors.js';
import { reportHealth } from '../health/alert.js';
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
  /** Alert through the sinks: each check that is not OK fires, each that is OK again resolves. */
  alert: boolean;
}

const EXIT_OF: Record<OverallStatus, ExitCode> = { HEALTHY: EXIT.OK, DEGRADED: EXIT.DEGRADED, UNHEALTHY: EXIT.FAILED };

/**
 * health-check: every check at once, each within its timeout and all within the run's cap, then
 * the runbook's lines (or --json), the Prometheus textfile, and with --alert the checks' alerts
 * (alerts/alerter.ts: one per state, and its end). It reads the services and databases only (read-only
 * opens, no job_runs row); --alert keeps its open alerts under <data>/alerts/.
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

  if (opts.alert) {
    const sent = await reportHealth(ctx.alerts, checks, overall);
    result.alerts_sent = sent.map((r) => ({
      key: r.event.key,
      status: r.event.status,
      delivered: r.delivered,
      ...(r.error ? { error: r.error } : {}),
    }));
  }
  const silence = ctx.alerts.silence();
  result.alerts = { open: ctx.alerts.open(), silenced_until: silence?.until ?? null };

  const failing = checks.filter((c) => c.state !== 'OK').map((c) => `${c.key} ${c.state}`);
  return {
    exitCode: EXIT_OF[overall],
    result,
    lines: reportLines(checks, overall),
    message: failing.length ? `${overall}: ${failing.join(', ')}` : overall,
  };
}

/**
 * `--test-alert`: one signed test event through every configured webhook, no checks. Exit 0 when
 * each accepted it, 1 with a line per webhook that did not (naming its setting), 2 when none is set.
 */
export async function runTestAlert(ctx: JobContext): Promise<JobOutcome> {
  const sinks = ctx.alerts.sinks;
  if (sinks.length === 0)
    throw new ConfigError(
      'no alert webhook to test: set ALERT_WEBHOOK_URL (and WHALE_WEBHOOK_URL)',
      'ALERT_WEBHOOK_URL',
    );
  const results = await ctx.alerts.test(os.hostname());
  const failed = results.filter((r) => !r.delivered);
  const lines = results.map((r) =>
    r.delivered
      ? `Test alert delivered through ${r.sink} (${r.attempts === 1 ? '1 attempt' : `${r.attempts} attempts`})`
      : `Test alert NOT delivered: ${r.error ?? `${r.sink}: unknown error`}`,
  );
  return {
    exitCode: failed.length ? EXIT.FAILED : EXIT.OK,
    result: {
      test_alert: results.map((r) => ({
        sink: r.sink,
        event_id: r.event.event_id,
        delivered: r.delivered,
        attempts: r.attempts,
        ...(r.error ? { error: r.error } : {}),
      })),
    },
    lines,
    message: failed.length ? `test alert failed: ${failed.map((r) => r.sink).join(', ')}` : 'test alert delivered',
  };
}

/** `--silence 2h` / `--silence off`: holds firing alerts back until then (resolved ones still go). */
export function runSilence(durationMs: number, ctx: JobContext): JobOutcome {
  const s = setSilence(ctx.settings.dataDir, ctx.clock.now(), durationMs);
  const line = s
    ? `Alerts silenced until ${s.until} (health-check --silence off ends it)`
    : 'Alerts are no longer silenced';
  ctx.log.info({ silenced_until: s?.until ?? null }, line);
  return { exitCode: EXIT.OK, result: { silenced_until: s?.until ?? null }, lines: [line], message: line };
}

/** `--config`: every effective setting, one line each, where it came from, secrets masked. */
export function runShowConfig(ctx: JobContext): JobOutcome {
  const all = describeSettings(loadSettingsWithNotices(ctx.env), ctx.env);
  const width = Math.max(...all.map((a) => `${a.name}=${a.value}`.length));
  const lines = all.map((a) => `${`${a.name}=${a.value}`.padEnd(width)}  (${a.source}${a.via ? `, as ${a.via}` : ''})`);
  return { exitCode: EXIT.OK, result: { settings: all }, lines, message: `${all.length} settings` };
}

/** The job as the executable runs it: the real clients, closed however the run ends. */
export async function healthCheckMain(opts: HealthCheckOptions, ctx: JobContext): Promise<JobOutcome> {
  const clients = createHealthClients(ctx.settings, ctx.log, ctx.clock);
  ctx.defer(clients.close);
  return runHealthCheck(opts, ctx, clients.deps);
}
