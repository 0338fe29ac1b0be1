import type { CheckState, OverallStatus, Threshold } from './types.js';

// Grading is kept apart from fetching so every boundary can be tested with plain numbers.

/** Grades a figure against a threshold; see Threshold.op for the direction. */
export function grade(value: number, t: Threshold): CheckState {
  switch (t.op) {
    case '>=':
      return value >= t.crit ? 'CRIT' : value >= t.warn ? 'WARN' : 'OK';
    case '>':
      return value > t.crit ? 'CRIT' : value > t.warn ? 'WARN' : 'OK';
    case '<':
      // "Fewer is worse": below crit is CRIT, below warn is WARN (e.g. analyze runs: crit 1, warn 5).
      return value < t.crit ? 'CRIT' : value < t.warn ? 'WARN' : 'OK';
  }
}

const RANK: Record<CheckState, number> = { OK: 0, WARN: 1, CRIT: 2 };

export function worst(...states: CheckState[]): CheckState {
  return states.reduce<CheckState>((a, b) => (RANK[b] > RANK[a] ? b : a), 'OK');
}

/** Any CRIT makes the node UNHEALTHY, else any WARN makes it DEGRADED. */
export function overallOf(states: readonly CheckState[]): OverallStatus {
  const w = worst(...states);
  return w === 'CRIT' ? 'UNHEALTHY' : w === 'WARN' ? 'DEGRADED' : 'HEALTHY';
}

/** `WARN >= 3, CRIT >= 11 blocks` — the threshold as a person reads it. */
export function describeThreshold(t: Threshold): string {
  const u = t.unit ? ` ${t.unit}` : '';
  return `WARN ${t.op} ${t.warn}${u}, CRIT ${t.op} ${t.crit}${u}`;
}

/** Seconds, minutes or hours, whichever reads best: `45 s`, `12 min`, `27.5 h`, `3.1 d`. */
export function humanAge(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 2 * 3600) return `${Math.round(s / 60)} min`;
  if (s < 72 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

/** Bytes as MB/GB with one decimal (binary units, as the thresholds are in MiB). */
export function humanBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
