import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { STATE_VALUE, type CheckResult, type Metric, type OverallStatus } from './types.js';

// node_exporter's textfile collector format (Prometheus text exposition 0.0.4): every sample a
// gauge, HELP and TYPE once per metric name, samples of one name together.

const OVERALL_VALUE: Record<OverallStatus, number> = { HEALTHY: 0, DEGRADED: 1, UNHEALTHY: 2 };

/** Every metric of a run: one state and one duration per check, the checks' figures, the overall state. */
export function collectMetrics(checks: readonly CheckResult[], overall: OverallStatus, finishedAtMs: number): Metric[] {
  const out: Metric[] = [];
  for (const c of checks) {
    out.push({
      name: 'utxoracle_health_check_state',
      help: 'Health check state: 0 OK, 1 WARN, 2 CRIT.',
      value: STATE_VALUE[c.state],
      labels: { check: c.key },
    });
    out.push({
      name: 'utxoracle_health_check_duration_seconds',
      help: 'Time the health check took.',
      value: c.durationMs / 1000,
      labels: { check: c.key },
    });
  }
  for (const c of checks) out.push(...c.metrics);
  out.push({
    name: 'utxoracle_health_overall',
    help: 'Overall health: 0 HEALTHY, 1 DEGRADED, 2 UNHEALTHY.',
    value: OVERALL_VALUE[overall],
  });
  out.push({
    name: 'utxoracle_health_last_run_timestamp_seconds',
    help: 'Unix time the health check finished.',
    value: finishedAtMs / 1000,
  });
  return out;
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** The exposition text; metrics sharing a name are grouped under one HELP/TYPE. */
export function renderMetrics(metrics: readonly Metric[]): string {
  const groups = new Map<string, Metric[]>();
  for (const m of metrics) {
    if (!NAME_RE.test(m.name)) throw new Error(`invalid metric name ${JSON.stringify(m.name)}`);
    const g = groups.get(m.name);
    if (g) g.push(m);
    else groups.set(m.name, [m]);
  }
  const lines: string[] = [];
  for (const [name, ms] of groups) {
    lines.push(`# HELP ${name} ${escapeHelp(ms[0]!.help)}`, `# TYPE ${name} gauge`);
    for (const m of ms) {
      const labels = Object.entries(m.labels ?? {});
      for (const [k] of labels)
        if (!LABEL_RE.test(k)) throw new Error(`invalid label name ${JSON.stringify(k)} on ${name}`);
      const l = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      lines.push(`${name}${l} ${formatValue(m.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Refuses a target whose directory is missing or not writable, before any check runs (exit 2).
 * `via` names where the path came from (the --prometheus flag or HEALTH_PROMETHEUS_FILE).
 */
export function checkPrometheusTarget(file: string, via = '--prometheus'): string {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new ConfigError(`${via} ${JSON.stringify(file)}: directory ${dir} does not exist or is not writable`, via);
  }
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory())
    throw new ConfigError(`${via} ${JSON.stringify(file)} is a directory`, via);
  return abs;
}

/**
 * Writes the file atomically: a temporary file in the same directory (the textfile collector
 * ignores names not ending in .prom), flushed, then renamed over the target, so node_exporter
 * never reads half a file.
 */
export async function writeMetricsFile(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fh = await fs.promises.open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}
