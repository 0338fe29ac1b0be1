import { describeThreshold } from './grade.js';
import type { CheckResult, CheckState, OverallStatus } from './types.js';

// What a person and a program read: the runbook's lines, and one JSON document.

const ICON: Record<CheckState, string> = { OK: '✅', WARN: '⚠️', CRIT: '❌' };

/**
 * `✅ Bitcoin Core RPC: OK (height: 867123)` per check, then `Overall Status: HEALTHY`. A service the
 * operator does not have (details.configured false) reads `➖ electrs: not configured (…)`.
 */
export function reportLines(checks: readonly CheckResult[], overall: OverallStatus): string[] {
  const lines = checks.map((c) =>
    c.details?.configured === false
      ? `➖ ${c.label}: ${c.message}`
      : `${ICON[c.state]} ${c.label}: ${c.state} (${c.message})`,
  );
  lines.push('', `Overall Status: ${overall}`);
  return lines;
}

/** Each check as the --json document carries it (figures in their unit, thresholds in the same unit). */
export function checkJson(c: CheckResult): Record<string, unknown> {
  return {
    check: c.key,
    label: c.label,
    state: c.state,
    figure: c.figure,
    unit: c.unit,
    threshold: c.threshold ? { ...c.threshold, text: describeThreshold(c.threshold) } : null,
    message: c.message,
    duration_ms: c.durationMs,
    ...(c.details ? { details: c.details } : {}),
  };
}
