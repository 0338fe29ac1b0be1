import path from 'node:path';
import { BlockCache } from '../summary/blockCache.js';
import { raiseAlert } from '../analyze/alerting.js';
import { writeChart } from '../analyze/chart.js';
import { writeRangeChart } from '../analyze/rangeChart.js';
import { loadRangeSeries } from '../analyze/rangeSeries.js';
import {
  dailyRow,
  dateRange,
  existingDays,
  finishedDays,
  priceDay,
  priceRefs,
  saveDailyRow,
  type WindowSources,
} from '../analyze/daily.js';
import { createSummarizer } from '../summary/summarizer.js';
import { buildPriceRow, judge, type PriceRow } from '../analyze/priceRow.js';
import { resultColumns } from '../analyze/resultColumns.js';
import { savePriceRow } from '../analyze/savePrice.js';
import { hashPath } from '../chain/nativeHash.js';
import { EXIT, UtxoracleError, describeError, type ExitCode } from '../errors.js';
import { formatUsd, formatWholeUsd } from '../lib/formatUsd.js';
import type { OracleResult } from '../oracle/price.js';
import { heightsOf, recentWindow } from '../oracle/window.js';
import { bitcoindFromSettings, mempoolPriceFromSettings } from '../sources/fromSettings.js';
import type { BlockSource, PriceSource } from '../sources/types.js';
import type { JobContext, JobOutcome } from './context.js';

export interface AnalyzeOptions {
  mode: 'recent' | 'date' | 'range';
  date?: string;
  from?: string;
  to?: string;
  /** Range mode: recompute days already in daily_prices. */
  force?: boolean;
  chart?: string;
  /** Range mode on a terminal: draw a progress bar on stderr. */
  progress?: boolean;
}

/** Injectable sources, so tests and the demo can run the job against fakes. */
export interface AnalyzeDeps {
  blocks?: BlockSource;
  prices?: PriceSource;
  /** Waits between mempool attempts (ms); tests shorten it. */
  priceBackoffMs?: number;
}

export async function runAnalyze(opts: AnalyzeOptions, ctx: JobContext, deps: AnalyzeDeps = {}): Promise<JobOutcome> {
  const { settings: s, log } = ctx;
  const blocks = deps.blocks ?? bitcoindFromSettings(s, log);
  if (!deps.blocks) ctx.defer(() => blocks.close());
  const summarizer = createSummarizer(s.analyzeParseThreads);
  ctx.defer(() => summarizer.close());
  const win: WindowSources = { source: blocks, cache: new BlockCache(s.cacheDir, log, !ctx.dryRun), summarizer };
  log.info({ mode: opts.mode, dryRun: ctx.dryRun }, 'Starting daily analysis');
  const hashing = hashPath();
  log.debug({ hashing }, `block hashing: ${hashing.path} (${hashing.detail})`);
  if (opts.mode === 'date') return analyzeDate(opts.date!, opts, ctx, win);
  if (opts.mode === 'range') return analyzeRange(opts, ctx, win);
  return analyzeRecent(opts, ctx, deps, win);
}

async function analyzeRecent(
  opts: AnalyzeOptions,
  ctx: JobContext,
  deps: AnalyzeDeps,
  win: WindowSources,
): Promise<JobOutcome> {
  const { settings: s, log } = ctx;
  const blocks = win.source;
  // The exchange price is asked for now and awaited after the window: the two waits overlap (it
  // never rejects; a failure is a null price).
  const exchangeAsked = fetchExchangePrice(
    deps.prices ?? mempoolPriceFromSettings(s, log, { backoffMs: deps.priceBackoffMs }),
    ctx,
  );
  const tip = await blocks.getTipHeight();
  const window = recentWindow(tip);
  // The tip's ref is read with the window so the row names the chain it was computed on.
  const refs = await blocks.getBlockRefs([...heightsOf(window), tip]);
  const tipRef = refs.pop()!;
  const { result, stats } = await priceRefs(win, refs, log, ctx.signal);
  log.info(
    { price: result.price, rough: result.roughPrice, confidence: result.confidence, points: result.pointCount },
    'UTXOracle price calculated',
  );
  const exchange = await exchangeAsked;
  if (opts.chart)
    writeChart(opts.chart, result, `blocks ${result.firstHeight}-${result.lastHeight}`, ctx.dryRun, log, exchange);
  const verdict = judge(result, exchange, s);
  const row = buildPriceRow(ctx.runId, new Date(), result, tipRef.hash, exchange, verdict);
  let exitCode: ExitCode = EXIT.OK;
  const problems: string[] = [];
  const alert = (type: string, severity: 'warning' | 'critical', payload: Record<string, unknown>) =>
    raiseAlert(s, log, type, severity, { run_id: ctx.runId, ...payload }, { record: !ctx.dryRun, dryRun: ctx.dryRun });

  if (exchange === null) {
    exitCode = EXIT.DEGRADED;
    problems.push('exchange price missing');
    await alert('mempool_unreachable', 'warning', { utxoracle_price: row.utxoracle_price, url: s.mempoolApiUrl });
  }
  if (!verdict.valid && exchange !== null) {
    exitCode = EXIT.DEGRADED;
    log.warn({ reasons: verdict.reasons }, `price marked invalid: ${verdict.reasons.join('; ')}`);
    problems.push(...verdict.reasons);
    await alert('price_invalid', 'warning', {
      utxoracle_price: row.utxoracle_price,
      confidence: row.confidence,
      reasons: verdict.reasons,
    });
  }

  let savedTo: string | null = null;
  if (ctx.dryRun) {
    log.info('[DRY-RUN] Would save data');
  } else {
    const saved = await savePriceRow(s, row, log);
    savedTo = saved.path;
    if (saved.where === 'fallback') {
      exitCode = EXIT.DEGRADED;
      problems.push('saved to the fallback database');
      await raiseAlert(
        s,
        log,
        'primary_db_write_failed',
        'critical',
        { run_id: ctx.runId, error: saved.primaryError, fallback: saved.path },
        { record: false, dryRun: false },
      );
    }
    win.cache.prune(tip - 144 * (s.blockCacheDays + 1));
  }

  const daily = ctx.dryRun ? [] : await fillFinishedDays(ctx, win);
  // The finished-day fill is best effort: the row above is the run's result. A day that cannot be
  // priced (a pruned node, a chain younger than the day) is logged, reported in `daily`, and tried
  // again by the next run; it does not make the run degraded.
  if (exitCode === EXIT.OK) log.info('Daily analysis completed successfully');
  else log.warn({ problems }, `analysis completed with problems: ${problems.join('; ')}`);

  const lines = ctx.dryRun
    ? ['[DRY-RUN] Would save data:', JSON.stringify(row, null, 2)]
    : summaryLines(row, result, savedTo);
  if (opts.chart && !ctx.dryRun) lines.push(`Chart written to ${path.resolve(opts.chart)}`);
  for (const d of daily)
    lines.push(
      d.error ? `Daily price ${d.date}: FAILED (${d.error})` : `Daily price ${d.date}: ${formatUsd(d.price!)}`,
    );
  return {
    exitCode,
    result: {
      ...row,
      blocks_from_node: stats.fromNode,
      blocks_from_cache: stats.fromCache,
      saved_to: savedTo,
      dry_run: ctx.dryRun,
      chart: opts.chart ? path.resolve(opts.chart) : null,
      daily,
      problems,
    },
    lines,
    message: problems.length ? problems.join('; ') : `price ${row.utxoracle_price}`,
  };
}

async function fetchExchangePrice(prices: PriceSource, ctx: JobContext): Promise<number | null> {
  try {
    const p = await prices.getUsdPrice();
    ctx.log.info({ usd: p.usd, price_time: p.time }, `Fetched mempool.space price: ${formatUsd(p.usd)}`);
    return p.usd;
  } catch (err) {
    ctx.log.error({ err: describeError(err) }, `mempool price unavailable after 3 attempts: ${describeError(err)}`);
    return null;
  }
}

function summaryLines(row: PriceRow, result: OracleResult, savedTo: string | null): string[] {
  return [
    `UTXOracle price: ${formatUsd(row.utxoracle_price)} (blocks ${result.firstHeight}-${result.lastHeight}, ${row.point_count} points, confidence ${row.confidence.toFixed(3)})`,
    `mempool price:   ${row.mempool_price === null ? 'unavailable' : formatUsd(row.mempool_price)}` +
      (row.diff_percent === null
        ? ''
        : ` (diff ${row.diff_amount! >= 0 ? '+' : ''}${row.diff_amount!.toFixed(2)}, ${row.diff_percent.toFixed(3)}%)`),
    `valid: ${row.is_valid}`,
    `Data saved to ${savedTo}`,
  ];
}

interface DayReport {
  date: string;
  price?: number;
  error?: string;
  /** The newest finished day, as opposed to an older backfilled one. */
  newest?: boolean;
}

/** The cron run also prices the newest finished day and a bounded number of missing older days. */
async function fillFinishedDays(ctx: JobContext, win: WindowSources): Promise<DayReport[]> {
  const { settings: s, log } = ctx;
  let days: string[];
  let missing: string[];
  try {
    days = await finishedDays(win.source, s.analyzeBackfillDays);
    const done = await existingDays(s, days, log);
    missing = days.filter((d) => !done.has(d));
  } catch (err) {
    log.warn({ err: describeError(err) }, 'could not work out which finished days need a price');
    return [];
  }
  const out: DayReport[] = [];
  for (const date of missing) {
    const newest = date === days[0];
    try {
      const day = await priceDay(date, win, log, ctx.signal);
      await saveDailyRow(s, dailyRow(day, ctx.runId, new Date()), log);
      log.info({ date, price: day.result.price }, `daily price for ${date} saved`);
      out.push({ date, price: day.result.price, newest });
    } catch (err) {
      if (!(err instanceof UtxoracleError)) throw err;
      log.warn({ date, err: describeError(err) }, `could not price ${date}`);
      out.push({ date, error: describeError(err), newest });
    }
  }
  return out;
}

async function analyzeDate(
  date: string,
  opts: AnalyzeOptions,
  ctx: JobContext,
  win: WindowSources,
): Promise<JobOutcome> {
  const { settings: s, log } = ctx;
  const day = await priceDay(date, win, log, ctx.signal);
  const r = day.result;
  log.info({ date, price: r.price, rough: r.roughPrice }, 'UTXOracle price calculated');
  if (opts.chart) writeChart(opts.chart, r, date, ctx.dryRun, log);
  const row = dailyRow(day, ctx.runId, new Date());
  if (ctx.dryRun) log.info('[DRY-RUN] Would save data');
  else {
    await saveDailyRow(s, row, log);
    log.info({ path: s.duckdbPath }, `Data saved to ${s.duckdbPath}`);
  }
  log.info('Daily analysis completed successfully');
  const doc = {
    date,
    utxoracle_price: r.price,
    ...resultColumns(r),
    blocks_from_node: day.stats.fromNode,
    blocks_from_cache: day.stats.fromCache,
    dry_run: ctx.dryRun,
    chart: opts.chart ? path.resolve(opts.chart) : null,
  };
  const lines = ctx.dryRun
    ? ['[DRY-RUN] Would save data:', JSON.stringify(row, null, 2)]
    : [
        `${date} price: ${formatWholeUsd(r.price)} (${r.price})`,
        `blocks ${r.firstHeight}-${r.lastHeight}, ${r.pointCount} points, confidence ${r.confidence.toFixed(3)}`,
        `Data saved to ${s.duckdbPath}`,
      ];
  if (opts.chart && !ctx.dryRun) lines.push(`Chart written to ${path.resolve(opts.chart)}`);
  return { exitCode: EXIT.OK, result: doc, lines, message: `${date} price ${r.price}` };
}

async function analyzeRange(opts: AnalyzeOptions, ctx: JobContext, win: WindowSources): Promise<JobOutcome> {
  const { settings: s, log } = ctx;
  const all = dateRange(opts.from!, opts.to!);
  const done = opts.force ? new Set<string>() : await existingDays(s, all, log);
  const todo = all.filter((d) => !done.has(d));
  log.info(
    { from: opts.from, to: opts.to, days: all.length, skipped: all.length - todo.length },
    `pricing ${todo.length} day(s)`,
  );
  const days: DayReport[] = [];
  const bar = opts.progress ? progressBar(todo.length) : undefined;
  for (const date of todo) {
    ctx.signal.throwIfAborted();
    try {
      const day = await priceDay(date, win, log, ctx.signal);
      if (!ctx.dryRun) await saveDailyRow(s, dailyRow(day, ctx.runId, new Date()), log);
      days.push({ date, price: day.result.price });
    } catch (err) {
      if (!(err instanceof UtxoracleError)) throw err;
      log.warn({ date, err: describeError(err) }, `could not price ${date}`);
      days.push({ date, error: describeError(err) });
    }
    bar?.(days.length, date);
  }
  if (bar) process.stderr.write('\n');
  // The chart shows the whole range as saved, days done by earlier runs included.
  if (opts.chart)
    writeRangeChart(
      opts.chart,
      ctx.dryRun ? [] : await loadRangeSeries(s.duckdbPath, opts.from!, opts.to!, log),
      opts.from!,
      opts.to!,
      ctx.dryRun,
      log,
    );
  const failed = days.filter((d) => d.error);
  const lines = [
    ...days.map((d) => (d.error ? `${d.date}: FAILED (${d.error})` : `${d.date}: ${formatUsd(d.price!)}`)),
    `Summary: ${days.length - failed.length} priced, ${failed.length} failed, ${all.length - todo.length} already done${ctx.dryRun ? ' (dry run: nothing saved)' : ''}`,
  ];
  if (opts.chart && !ctx.dryRun) lines.splice(-1, 0, `Chart written to ${path.resolve(opts.chart)}`);
  // A day that could not be priced is work not done: exit 1, as the README's exit table says (the
  // priced days are saved, and a re-run retries only the failed ones).
  const exitCode = failed.length === 0 ? EXIT.OK : EXIT.FAILED;
  return {
    exitCode,
    result: {
      from: opts.from,
      to: opts.to,
      priced: days.length - failed.length,
      failed: failed.length,
      skipped: all.length - todo.length,
      days,
      dry_run: ctx.dryRun,
      chart: opts.chart ? path.resolve(opts.chart) : null,
    },
    lines,
    message: lines.at(-1),
  };
}

function progressBar(total: number): (n: number, label: string) => void {
  return (n, label) => {
    const width = 30;
    const filled = total ? Math.round((n / total) * width) : width;
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total} ${label}`);
  };
}
