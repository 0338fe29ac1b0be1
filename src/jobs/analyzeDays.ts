// analyze by the day: --date, --from/--to, and the cron run's fill of finished days.
import path from 'node:path';
import { writeChart } from '../analyze/chart.js';
import { dailyRow, dateRange, existingDays, finishedDays, priceDay, saveDailyRow } from '../analyze/daily.js';
import {
  DayBackoff,
  failureKind,
  retryReason,
  retryWhen,
  type ChainNow,
  type FailureKind,
} from '../analyze/dayBackoff.js';
import { priceDays, type DayLoopHooks, type DayOutcome } from '../analyze/dayLoop.js';
import type { DayPrice, LoadedDay } from '../analyze/daily.js';
import { writeRangeChart } from '../analyze/rangeChart.js';
import type { RangeProgress } from '../analyze/rangeProgress.js';
import { loadRangeSeries } from '../analyze/rangeSeries.js';
import { resultColumns } from '../analyze/resultColumns.js';
import { EXIT, describeError } from '../errors.js';
import { formatUsd, formatWholeUsd } from '../lib/formatUsd.js';
import type { JobOutcome } from './context.js';
import type { AnalyzeRun } from './analyzeRun.js';

/** One day in a run's result (`daily` in recent mode, `days` in range mode). */
export interface DayReport {
  date: string;
  price?: number;
  error?: string;
  /** The newest finished day, as opposed to an older backfilled one (recent mode). */
  newest?: boolean;
  /** Why the cron run stops trying the day for a while (see analyze/dayBackoff.ts). */
  kind?: FailureKind;
  /** Not tried this run: it failed before and nothing that could change that has changed. */
  backed_off?: boolean;
  /** When a remembered failure happened. */
  failed_at?: string;
  /** When it is tried again. */
  retry?: string;
}

export function dayLine(d: DayReport, prefix: string): string {
  if (d.price !== undefined) return `${prefix}${d.date}: ${formatUsd(d.price)}`;
  if (d.backed_off)
    return `${prefix}${d.date}: not tried (failed at ${d.failed_at}: ${d.error}); tried again ${d.retry}`;
  return `${prefix}${d.date}: FAILED (${d.error})${d.retry ? `; tried again ${d.retry}` : ''}`;
}

/**
 * Saves a priced day into daily_prices; undefined when saved, else why not (logged). A day's row
 * that cannot be written is that day's failure, reported like one: the days around it (and, in the
 * cron run, the row already saved) stand.
 */
async function saveDay(run: AnalyzeRun, day: DayPrice): Promise<string | undefined> {
  try {
    await saveDailyRow(run.dbs.primary, dailyRow(day, run.runId, new Date(run.clock.now())));
    return undefined;
  } catch (err) {
    const why = `could not save the daily price: ${describeError(err)}`;
    run.log.error({ date: day.date, err: describeError(err) }, `${day.date}: ${why}`);
    return why;
  } finally {
    run.releaseDb(); // the next day is being fetched
  }
}

/** Prunes the block cache down to its bound, keeping the window just loaded. */
function pruneAround(run: AnalyzeRun, day: LoadedDay): void {
  const refs = day.window.refs;
  run.win.cache.prune(run.cacheFloor(day.tip), [{ from: refs[0]!.height, to: refs.at(-1)!.height }]);
}

export async function analyzeDate(run: AnalyzeRun, date: string, chart: string | undefined): Promise<JobOutcome> {
  const { log, dryRun } = run;
  run.releaseDb();
  const day = await priceDay(date, run.win, run.headers, log, run.signal);
  const r = day.result;
  log.info({ date, price: r.price, rough: r.roughPrice }, 'UTXOracle price calculated');
  if (chart) writeChart(chart, r, date, dryRun, log);
  const row = dailyRow(day, run.runId, new Date(run.clock.now()));
  if (dryRun) log.info('[DRY-RUN] Would save data');
  else {
    await saveDailyRow(run.dbs.primary, row);
    log.info({ path: run.dbs.primary.path }, `Data saved to ${run.dbs.primary.path}`);
  }
  run.win.cache.prune(run.cacheFloor(day.tip));
  log.info('Daily analysis completed successfully');
  const doc = {
    date,
    utxoracle_price: r.price,
    ...resultColumns(r),
    blocks_from_node: day.stats.fromNode,
    blocks_from_cache: day.stats.fromCache,
    dry_run: dryRun,
    chart: chart ? path.resolve(chart) : null,
  };
  const lines = dryRun
    ? ['[DRY-RUN] Would save data:', JSON.stringify(row, null, 2)]
    : [
        `${date} price: ${formatWholeUsd(r.price)} (${r.price})`,
        `blocks ${r.firstHeight}-${r.lastHeight}, ${r.pointCount} points, confidence ${r.confidence.toFixed(3)}`,
        `Data saved to ${run.dbs.primary.path}`,
      ];
  if (chart && !dryRun) lines.push(`Chart written to ${path.resolve(chart)}`);
  return { exitCode: EXIT.OK, result: doc, lines, message: `${date} price ${r.price}` };
}

export interface RangeOptions {
  from: string;
  to: string;
  force: boolean;
  chart: string | undefined;
  progress: RangeProgress | undefined;
}

export async function analyzeRange(run: AnalyzeRun, opts: RangeOptions): Promise<JobOutcome> {
  const { log, dryRun } = run;
  const { from, to, chart, progress } = opts;
  const all = dateRange(from, to);
  const done = opts.force ? new Set<string>() : await existingDays(run.dbs.primary, all);
  const todo = all.filter((d) => !done.has(d));
  log.info({ from, to, days: all.length, skipped: all.length - todo.length }, `pricing ${todo.length} day(s)`);
  const days: DayReport[] = [];
  let tip: number | undefined;
  progress?.start(todo.length);
  run.releaseDb();
  await priceDays(
    todo,
    run.win,
    run.headers,
    log,
    {
      loaded: (day) => {
        tip = day.tip;
        pruneAround(run, day);
      },
      done: async (o) => {
        const unsaved = 'day' in o && !dryRun ? await saveDay(run, o.day) : undefined;
        if (unsaved) {
          days.push({ date: o.date, error: unsaved });
        } else if ('day' in o) {
          days.push({ date: o.date, price: o.day.result.price });
        } else {
          log.warn({ date: o.date, err: describeError(o.error) }, `could not price ${o.date}`);
          days.push({ date: o.date, error: describeError(o.error) });
        }
        progress?.day(o.date);
      },
    },
    run.signal,
  );
  progress?.finish();
  if (tip !== undefined) run.win.cache.prune(run.cacheFloor(tip));
  // The chart shows the whole range as saved, days done by earlier runs included.
  if (chart)
    writeRangeChart(chart, dryRun ? [] : await loadRangeSeries(run.dbs.primary, from, to), from, to, dryRun, log);
  const failed = days.filter((d) => d.error);
  const lines = [
    ...days.map((d) => dayLine(d, '')),
    `Summary: ${days.length - failed.length} priced, ${failed.length} failed, ${all.length - todo.length} already done${dryRun ? ' (dry run: nothing saved)' : ''}`,
  ];
  if (chart && !dryRun) lines.splice(-1, 0, `Chart written to ${path.resolve(chart)}`);
  // A day that could not be priced is work not done: exit 1, as the README's exit table says (the
  // priced days are saved, and a re-run retries only the failed ones).
  const exitCode = failed.length === 0 ? EXIT.OK : EXIT.FAILED;
  return {
    exitCode,
    result: {
      from,
      to,
      priced: days.length - failed.length,
      failed: failed.length,
      skipped: all.length - todo.length,
      days,
      dry_run: dryRun,
      chart: chart ? path.resolve(chart) : null,
    },
    lines,
    message: lines.at(-1),
  };
}

export interface FillOptions {
  /** ANALYZE_BACKFILL_DAYS: missing days before the newest finished one to price as well. */
  older: number;
  /** Where unpriceable days are remembered (analyze/dayBackoff.ts). */
  backoffFile: string;
  /** The chain the run's recent window was priced on. */
  tip: { height: number; hash: string };
}

/**
 * The cron run also prices the newest finished day and a bounded number of missing older days.
 * A day that failed before for a reason that does not pass by itself is not tried again until
 * the chain or the tip has changed, or a day has passed (dayBackoff.ts); the result says so.
 */
export async function fillFinishedDays(run: AnalyzeRun, opts: FillOptions): Promise<DayReport[]> {
  const { log } = run;
  const tip = opts.tip;
  let days: string[];
  let missing: string[];
  try {
    days = await finishedDays(run.headers, tip.height, opts.older);
    const done = await existingDays(run.dbs.primary, days);
    missing = days.filter((d) => !done.has(d));
  } catch (err) {
    log.warn({ err: describeError(err) }, 'could not work out which finished days need a price');
    return [];
  }
  const backoff = DayBackoff.load(opts.backoffFile, !run.dryRun);
  backoff.keepOnly(missing); // priced days, and days the fill no longer reaches, are forgotten
  const chain: ChainNow = {
    tip,
    hashAt: async (h) => (await run.headers.ref(h, tip.height)).hash,
    now: run.clock.now(),
  };
  const reports = new Map<string, DayReport>();
  const todo: string[] = [];
  for (const date of missing) {
    const f = backoff.get(date);
    const why = f ? await retryReason(f, chain).catch(() => 'the chain could not be read') : undefined;
    if (f && !why) {
      log.debug({ date, kind: f.kind }, `not trying ${date} again yet (${f.error}); tried again ${retryWhen(f)}`);
      reports.set(date, {
        date,
        error: f.error,
        kind: f.kind,
        backed_off: true,
        failed_at: new Date(f.failedAt).toISOString(),
        retry: retryWhen(f),
      });
    } else {
      if (f) log.info({ date, kind: f.kind }, `trying ${date} again: ${why}`);
      todo.push(date);
    }
  }
  const hooks: DayLoopHooks = {
    loaded: (day) => pruneAround(run, day),
    done: async (o: DayOutcome) => {
      const unsaved = 'day' in o ? await saveDay(run, o.day) : undefined;
      if (unsaved) {
        reports.set(o.date, { date: o.date, error: unsaved }); // not remembered: the database may recover
        return;
      }
      if ('day' in o) {
        backoff.clear(o.date);
        log.info({ date: o.date, price: o.day.result.price }, `daily price for ${o.date} saved`);
        reports.set(o.date, { date: o.date, price: o.day.result.price });
        return;
      }
      const error = describeError(o.error);
      const kind = failureKind(o.error, o.phase);
      const report: DayReport = { date: o.date, error };
      if (kind) {
        const f = { date: o.date, kind, error, failedAt: run.clock.now(), tip };
        backoff.record(f);
        Object.assign(report, { kind, retry: retryWhen(f) });
      }
      log.warn({ date: o.date, err: error, kind }, `could not price ${o.date}`);
      reports.set(o.date, report);
    },
  };
  if (todo.length > 0) {
    run.releaseDb();
    await priceDays(todo, run.win, run.headers, log, hooks, run.signal);
  }
  // The memory of failures only saves work: a data directory that refuses it (full, read-only)
  // costs the next run a retry of those days, not this run its result.
  try {
    backoff.save();
  } catch (err) {
    log.warn(
      { file: backoff.file, err: (err as Error).message },
      `could not write ${backoff.file}; days that failed are tried again next run`,
    );
  }
  return missing.map((date) => ({ ...reports.get(date)!, newest: date === days[0] }));
}
