import { describe, expect, it } from 'vitest';
import { describeThreshold, grade, humanAge, overallOf } from '../../src/health/grade.js';
import type { CheckState, Threshold } from '../../src/health/types.js';

const lag: Threshold = { op: '>=', warn: 3, crit: 11, unit: 'blocks' };
const disk: Threshold = { op: '>', warn: 0.8, crit: 0.95, unit: 'ratio' };
const runs: Threshold = { op: '<', warn: 5, crit: 1, unit: 'runs' };

describe('grade', () => {
  const rows: [string, number, Threshold, CheckState][] = [
    ['lag 0', 0, lag, 'OK'],
    ['lag 2 (last OK)', 2, lag, 'OK'],
    ['lag 3 (first WARN)', 3, lag, 'WARN'],
    ['lag 10 (last WARN)', 10, lag, 'WARN'],
    ['lag 11 (first CRIT)', 11, lag, 'CRIT'],
    ['disk exactly 80% is not over', 0.8, disk, 'OK'],
    ['disk 80.1%', 0.801, disk, 'WARN'],
    ['disk exactly 95%', 0.95, disk, 'WARN'],
    ['disk 95.1%', 0.951, disk, 'CRIT'],
    ['6 runs', 6, runs, 'OK'],
    ['5 runs', 5, runs, 'OK'],
    ['4 runs', 4, runs, 'WARN'],
    ['1 run', 1, runs, 'WARN'],
    ['0 runs', 0, runs, 'CRIT'],
  ];
  it.each(rows)('%s -> %s', (_n, v, t, want) => {
    expect(grade(v, t)).toBe(want);
  });
});

describe('overallOf', () => {
  it.each([
    [[], 'HEALTHY'],
    [['OK', 'OK'], 'HEALTHY'],
    [['OK', 'WARN', 'OK'], 'DEGRADED'],
    [['WARN', 'CRIT', 'OK'], 'UNHEALTHY'],
    [['CRIT'], 'UNHEALTHY'],
  ] as [CheckState[], string][])('%j -> %s', (states, want) => {
    expect(overallOf(states)).toBe(want);
  });
});

describe('wording', () => {
  it('describes a threshold in its unit', () => {
    expect(describeThreshold(lag)).toBe('WARN >= 3 blocks, CRIT >= 11 blocks');
  });
  it.each([
    [45, '45 s'],
    [119, '119 s'],
    [720, '12 min'],
    [27.5 * 3600, '27.5 h'],
    [4 * 86400, '4.0 d'],
    [-5, '0 s'],
  ])('humanAge(%d) = %s', (s, want) => {
    expect(humanAge(s)).toBe(want);
  });
});
