import { runWhaleReport } from '../jobs/whaleReport.js';
import { runWhaleWatch } from '../jobs/whaleWatch.js';
import { runAndExit } from './harness.js';
import { createProgram, parseDuration } from './program.js';

const program = createProgram(
  'whale-watch',
  'Watch the mempool for whale transactions, predict their confirmation and learn how right we were.',
  {
    dryRun: true,
  },
)
  .option(
    '--duration <dur>',
    'run this long, then flush and exit (bounded runs by hand and in tests, e.g. 55s); ' +
      'default: run until SIGTERM/SIGINT, as cron starts it under flock -n',
    parseDuration('--duration'),
  )
  .option('--report', 'print prediction accuracy over 1 h / 24 h / 7 d and exit (reads only)')
  .parse();
const flags = program.opts<{
  json?: boolean;
  verbose?: boolean;
  dryRun?: boolean;
  duration?: number;
  report?: boolean;
}>();

if (flags.report) {
  await runAndExit({ job: 'whale-watch', flags, lock: false, recordRun: false, main: (ctx) => runWhaleReport(ctx) });
} else {
  await runAndExit({
    job: 'whale-watch',
    flags,
    // A backstop past the requested duration: the run must end even if a flush hangs. Without
    // --duration whale-watch is the long-running process cron supervises: no cap at all.
    maxRuntimeMs: flags.duration === undefined ? undefined : flags.duration + 60_000,
    main: (ctx) => runWhaleWatch({ durationMs: flags.duration }, ctx),
  });
}
