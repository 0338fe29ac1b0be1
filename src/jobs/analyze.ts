import path from 'node:path';
import { reportExchange, reportSave, reportValidity } from '../analyze/conditions.js';
import { writeChart } from '../analyze/chart.js';
import { loadWindow, priceLoaded } from '../analyze/loadWindow.js';
import { RangeProgress } from '../analyze/rangeProgress.js';
import { buildPriceRow, judge, type PriceRow } from '../analyze/priceRow.js';
import { savePriceRow } from '../analyze/savePrice.js';
import { hashPath } from '../chain/nativeHash.js';
import type { Settings } from '../config/settings.js';
import { EXIT, type ExitCode } from '../errors.js';
import { readExchangePrice, usdOf, type ExchangeReading } from '../analyze/exchange.js';
import { formatUsd } from '../lib/formatUsd.js';
import { createLogger } from '../log/logger.js';
import type { OracleResult } from '../oracle/price.js';
import { recentWindow } from '../oracle/window.js';
import { bitcoindFromSettings, mempoolPriceFromSettings } from '../sources/fromSettings.js';
import type { BlockSource, PriceSource } from '../sources/types.js';
import { createSummarizer } from '../summary/summarizer.js';
import type { JobContext, JobOutcome } from './context.js';
import { analyzeDate, analyzeRange, dayLine, fillFinishedDays } from './analyzeDays.js';
import { analyzeRun, type AnalyzeRun } from './analyzeRun.js';

export interface AnalyzeOptions {
  mode: 'recent' | 'date' | 'range';
  date?: string;
  from?: string;
  to?: string;
  /** Range mode: recompute days already in daily_prices. */
  force?: boolean;
  chart?: string;
  /** Range mode on a terminal: draw a progress line on stderr. */
  progress?: boolean;
}

/** Injectable sources, so tests and the demo can run the job against fakes. */
export interface AnalyzeDeps {
  blocks?: BlockSource;
  prices?: PriceSource;
  /** Waits between mempool attempts (ms); tests shorten it. */
  priceBackoffMs?: number;
}

/** Unpriceable finished days the cron run remembers (analyze/dayBackoff.ts). */
const BACKOFF_FILE = 'analyze-backoff.json';

export async function runAnalyze(opts: AnalyzeOptions, ctx: JobContext, deps: AnalyzeDeps = {}): Promise<JobOutcome> {
  const s = ctx.settings;
  // A node restarting mid-run is waited for (BITCOIN_RESTART_WAIT_SEC), within the run's cap.
  const own = deps.blocks ? undefined : bitcoindFromSettings(s, ctx.log, { waitForRestart: true, signal: ctx.signal });
  const blocks = deps.blocks ?? own!;
  if (own) ctx.defer(() => own.close());
  const summarizer = createSummarizer(s.analyzeParseThreads);
  ctx.defer(() => summarizer.close());
  // Range mode on a terminal: log lines are printed above the progress line, not over it.
  const progress =
    opts.mode === 'range' && opts.progress
      ? new RangeProgress({ out: (t) => process.stderr.write(t), now: () => ctx.clock.elapsed() })
      : undefined;
  const log = progress
    ? createLogger({
        job: ctx.job,
        run: ctx.runId,
        level: ctx.log.level,
        format: s.logFormat,
        write: (t) => progress.print(t),
      })
    : ctx.log;
  const job = { runId: ctx.runId, log, signal: ctx.signal, dryRun: ctx.dryRun, clock: ctx.clock, alerts: ctx.alerts };
  // The parser threads fetch blocks from our own node client's REST themselves.
  const direct = own && { url: (hash: string) => own.restBlockUrl(hash), timeoutMs: s.bitcoinRpcTimeoutMs };
  const run = analyzeRun(s, job, blocks, summarizer, direct);
  log.info({ mode: opts.mode, dryRun: ctx.dryRun }, 'Starting daily analysis');
  const hashing = hashPath();
  // An addon that is there but not trusted is worth a warning: the run is slower than it should be.
  if (hashing.refused) log.warn({ hashing }, `block hashing: ${hashing.path} (${hashing.detail})`);
  else log.debug({ hashing }, `block hashing: ${hashing.path} (${hashing.detail})`);
  if (opts.mode === 'date') return analyzeDate(run, opts.date!, opts.chart);
  if (opts.mode === 'range')
    return analyzeRange(run, {
      from: opts.from!,
      to: opts.to!,
      force: opts.force === true,
      chart: opts.chart,
      progress,
    });
  const prices = deps.prices ?? mempoolPriceFromSettings(s, log, { backoffMs: deps.priceBackoffMs });
  if (!prices) log.info('MEMPOOL_API_URL=none: prices are judged on the oracle’s own confidence and range');
  return analyzeRecent(run, opts.chart, prices, {
    limits: s,
    mempoolUrl: s.mempoolApiUrl,
    backfillDays: s.analyzeBackfillDays,
    backoffFile: path.join(s.dataDir, BACKOFF_FILE),
  });
}

interface RecentSettings {
  limits: Pick<Settings, 'confidenceThreshold' | 'minPriceUsd' | 'maxPriceUsd'>;
  /** MEMPOOL_API_URL; undefined: none by choice. */
  mempoolUrl: string | undefined;
  backfillDays: number;
  backoffFile: string;
}

/** The cron run: the 144 blocks before the tip, compared with mempool, saved; then the finished days. */
async function analyzeRecent(
  run: AnalyzeRun,
  chart: string | undefined,
  prices: PriceSource | undefined,
  cfg: RecentSettings,
): Promise<JobOutcome> {
  const { log, dryRun, runId } = run;
  // The exchange price is asked for now and awaited after the window: the two waits overlap (it
  // never rejects; a failure is a null price).
  const exchangeAsked = readExchangePrice(prices, log);
  const tip = await run.win.source.getTipHeight();
  const window = recentWindow(tip);
  // The tip's ref is read with the window so the row names the chain it was computed on.
  const refs = await run.headers.range(window.firstHeight, tip, tip);
  const tipRef = refs.pop()!;
  run.releaseDb();
  const loaded = await loadWindow(run.win, refs, log, run.signal);
  const result = priceLoaded(run.win.cache, loaded);
  const stats = loaded.stats;
  log.info(
    { price: result.price, rough: result.roughPrice, confidence: result.confidence, points: result.pointCount },
    'UTXOracle price calculated',
  );
  const reading: ExchangeReading = await exchangeAsked;
  const exchange = usdOf(reading);
  if (chart) writeChart(chart, result, `blocks ${result.firstHeight}-${result.lastHeight}`, dryRun, log, exchange);
  const verdict = judge(result, exchange, cfg.limits, reading.state !== 'not-configured');
  const row = buildPriceRow(runId, new Date(run.clock.now()), result, tipRef.hash, exchange, verdict);
  let exitCode: ExitCode = EXIT.OK;
  const problems: string[] = [];
  const context = { run_id: runId, utxoracle_price: row.utxoracle_price };
  // Each condition is said once while it lasts, and its end once (alerts/alerter.ts).
  const alerts = run.alerts(true);
  if (await reportExchange(alerts, reading, { ...context, url: cfg.mempoolUrl })) {
    exitCode = EXIT.DEGRADED;
    problems.push(reading.state === 'no-price' ? 'mempool has no exchange price' : 'exchange price missing');
  }
  // Invalid on the oracle's own grounds (confidence, range); a missing exchange price is said above.
  const ownReasons = verdict.valid ? [] : verdict.reasons.filter((r) => !/exchange price/.test(r));
  if (ownReasons.length) {
    exitCode = EXIT.DEGRADED;
    log.warn({ reasons: ownReasons }, `price marked invalid: ${ownReasons.join('; ')}`);
    problems.push(...ownReasons);
  }
  await reportValidity(alerts, ownReasons, { ...context, confidence: row.confidence });

  let savedTo: string | null = null;
  if (dryRun) {
    log.info('[DRY-RUN] Would save data');
  } else {
    const saved = await reportSave(
      async () => {
        const out = await savePriceRow(run.dbs, row, log);
        run.releaseDb(); // before the webhook is tried
        return out;
      },
      { recorded: run.alerts(true), unrecorded: run.alerts(false) },
      context,
    );
    savedTo = saved.path;
    if (saved.where === 'fallback') {
      exitCode = EXIT.DEGRADED;
      problems.push('saved to the fallback database');
    }
  }

  // The finished-day fill is best effort: the row above is the run's result. A day that cannot be
  // priced (a pruned node, a chain younger than the day) is logged and reported in `daily`; one
  // that cannot be priced for a lasting reason is remembered and not tried again until the chain
  // changes or a day has passed (analyze/dayBackoff.ts). It does not make the run degraded.
  const daily = dryRun
    ? []
    : await fillFinishedDays(run, {
        older: cfg.backfillDays,
        backoffFile: cfg.backoffFile,
        tip: { height: tip, hash: tipRef.hash },
      });
  run.win.cache.prune(run.cacheFloor(tip));
  if (exitCode === EXIT.OK) log.info('Daily analysis completed successfully');
  else log.warn({ problems }, `analysis completed with problems: ${problems.join('; ')}`);

  const lines = dryRun
    ? ['[DRY-RUN] Would save data:', JSON.stringify(row, null, 2)]
    : summaryLines(row, result, savedTo, reading);
  if (chart && !dryRun) lines.push(`Chart written to ${path.resolve(chart)}`);
  for (const d of daily) lines.push(dayLine(d, 'Daily price '));
  return {
    exitCode,
    result: {
      ...row,
      blocks_from_node: stats.fromNode,
      blocks_from_cache: stats.fromCache,
      saved_to: savedTo,
      dry_run: dryRun,
      chart: chart ? path.resolve(chart) : null,
      daily,
      problems,
    },
    lines,
    message: problems.length ? problems.join('; ') : `price ${row.utxoracle_price}`,
  };
}

const exchangeWords = (r: ExchangeReading): string =>
  r.state === 'not-configured'
    ? 'not configured (MEMPOOL_API_URL=none)'
    : r.state === 'no-price'
      ? 'none (mempool has no price)'
      : 'unavailable';

function summaryLines(row: PriceRow, result: OracleResult, savedTo: string | null, reading: ExchangeReading): string[] {
  return [
    `UTXOracle price: ${formatUsd(row.utxoracle_price)} (blocks ${result.firstHeight}-${result.lastHeight}, ${row.point_count} points, confidence ${row.confidence.toFixed(3)})`,
    `mempool price:   ${row.mempool_price === null ? exchangeWords(reading) : formatUsd(row.mempool_price)}` +
      (row.diff_percent === null
        ? ''
        : ` (diff ${row.diff_amount! >= 0 ? '+' : ''}${row.diff_amount!.toFixed(2)}, ${row.diff_percent.toFixed(3)}%)`),
    `valid: ${row.is_valid}`,
    `Data saved to ${savedTo}`,
  ];
}
