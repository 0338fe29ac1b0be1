import { runAnalyze, type AnalyzeOptions } from '../jobs/analyze.js';
import { runLatest } from '../jobs/analyzeLatest.js';
import { checkBitcoindCredentials } from '../sources/fromSettings.js';
import { runAndExit } from './harness.js';
import { createProgram, parseDate, usageError } from './program.js';

const program = createProgram(
  'analyze',
  'The UTXOracle price from your node, compared with mempool, saved to DuckDB.',
  { dryRun: true },
)
  .option('--recent', 'price the 144 blocks before the tip (the default; what cron runs)')
  .option('--date <YYYY-MM-DD>', 'the consensus price of one UTC day, saved to daily_prices', parseDate('--date'))
  .option(
    '--from <YYYY-MM-DD>',
    'first day of a range (with --to); resumable: done days are skipped',
    parseDate('--from'),
  )
  .option('--to <YYYY-MM-DD>', 'last day of a range (inclusive)', parseDate('--to'))
  .option('--latest', 'print the newest saved price (and daily price) and exit; read-only, does not ask the node')
  .option('--force', 'with --from/--to: recompute days that are already saved')
  .option(
    '--chart <file>',
    'write a chart as SVG (or .html): the intraday points (--recent, --date) or the daily prices (--from/--to)',
  )
  .parse();

type Flags = {
  json?: boolean;
  verbose?: boolean;
  dryRun?: boolean;
  recent?: boolean;
  date?: string;
  from?: string;
  to?: string;
  force?: boolean;
  chart?: string;
  latest?: boolean;
};
const f = program.opts<Flags>();

const usage = (message: string): never => usageError(program, message);

const modes = [f.recent, f.date, f.from ?? f.to, f.latest].filter((x) => x !== undefined).length;
if (modes > 1) usage('choose one of --recent, --date, --from/--to or --latest');
if (f.latest && (f.chart !== undefined || f.dryRun)) usage('--latest only reads: no --chart, no --dry-run');
if ((f.from === undefined) !== (f.to === undefined)) usage('--from and --to go together');
if (f.from && f.to && f.from > f.to) usage(`--from ${f.from} is after --to ${f.to}`);
if (f.force && !f.from) usage('--force goes with --from/--to');

const opts: AnalyzeOptions = f.date
  ? { mode: 'date', date: f.date, chart: f.chart }
  : f.from
    ? {
        mode: 'range',
        from: f.from,
        to: f.to,
        force: f.force === true,
        chart: f.chart,
        progress: process.stderr.isTTY === true && !f.json,
      }
    : { mode: 'recent', chart: f.chart };

if (f.latest)
  await runAndExit({
    job: 'analyze',
    flags: f,
    // A reader: no lock, no job_runs row, no node credentials needed.
    lock: false,
    recordRun: false,
    maxRuntimeMs: 60_000,
    main: runLatest,
  });
else
  await runAndExit({
    job: 'analyze',
    flags: f,
    // A cron run every 10 minutes must never pile up: give up well before the next one.
    maxRuntimeMs: opts.mode === 'range' ? undefined : 9 * 60_000,
    shareDatabases: true,
    preflight: checkBitcoindCredentials,
    main: (ctx) => runAnalyze(opts, ctx),
  });
