// whale-watch --report: reads the whale database and prints how right the predictions were over
// 1 h / 24 h / 7 d (definitions in src/whale/accuracy.ts). Reads only; takes no lock.
import fs from 'node:fs';
import { EXIT, StoreError } from '../errors.js';
import { withWhaleDb } from '../store/databases.js';
import { ACCURACY_MIN_SAMPLES } from '../whale/accuracyAlert.js';
import { accuracyLevel, accuracyReport, PERIODS, type PeriodStats } from '../whale/accuracy.js';
import { PREDICTION_WINDOW_BLOCKS } from '../whale/predict.js';
import { loadReportRows } from '../whale/queries.js';
import type { JobContext, JobOutcome } from './context.js';

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);
const mins = (x: number | null): string => (x === null ? '-' : x.toFixed(1));

export function formatReport(periods: PeriodStats[], nowMs: number): string[] {
  const head = [
    'Period',
    'Predictions',
    'Whales',
    'Scored',
    'Right',
    'Accuracy',
    'Confirmed',
    'Replaced',
    'Dropped',
    'Expired',
    'Pending',
    'FP rate',
    'Median min',
  ];
  const body = periods.map((p) => [
    p.period,
    String(p.predictions),
    String(p.whales),
    String(p.scored),
    String(p.right),
    pct(p.accuracy),
    String(p.counts.confirmed),
    String(p.counts.replaced),
    String(p.counts.dropped),
    String(p.counts.expired),
    String(p.counts.pending),
    pct(p.falsePositiveRate),
    mins(p.medianMinutesToConfirm),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const week = periods[periods.length - 1];
  const level = week ? accuracyLevel(week, ACCURACY_MIN_SAMPLES) : 'insufficient';
  return [
    `Whale prediction accuracy at ${new Date(nowMs).toISOString()} ` +
      `(right = confirmed within ±${PREDICTION_WINDOW_BLOCKS} blocks of the predicted height)`,
    line(head),
    ...body.map(line),
    level === 'insufficient'
      ? `7-day accuracy: not judged (fewer than ${ACCURACY_MIN_SAMPLES} scored predictions)`
      : `7-day accuracy: ${level.toUpperCase()} (warning below 75%, critical below 70%)`,
  ];
}

export async function runWhaleReport(ctx: JobContext): Promise<JobOutcome> {
  const nowMs = ctx.clock.now();
  const db = ctx.settings.whaleDbPath;
  if (!fs.existsSync(db))
    throw new StoreError(`whale database ${db} does not exist (run init-db or whale-watch first)`, db);
  const longest = Math.max(...PERIODS.map(([, ms]) => ms));
  const rows = await withWhaleDb(ctx.settings, (conn) => loadReportRows(conn, nowMs - longest), {
    readOnly: true,
    logger: ctx.log,
  });
  const periods = accuracyReport(rows, nowMs);
  const week = periods[periods.length - 1]!;
  return {
    exitCode: EXIT.OK,
    result: {
      generated_at: new Date(nowMs).toISOString(),
      window_blocks: PREDICTION_WINDOW_BLOCKS,
      level_7d: accuracyLevel(week, ACCURACY_MIN_SAMPLES),
      periods,
    },
    lines: formatReport(periods, nowMs),
    message: `7d accuracy ${pct(week.accuracy)} on ${week.scored} predictions`,
  };
}
