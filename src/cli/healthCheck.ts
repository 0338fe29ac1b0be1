import { healthCheckMain, runShowConfig, runSilence, runTestAlert } from '../jobs/healthCheck.js';
import { runAndExit } from './harness.js';
import { createProgram, usageError } from './program.js';

/** `2h`, `30m`, `1d`, or `off`/`0` to end a silence: milliseconds (0: off). */
function parseSilence(v: string): number {
  if (/^(off|0|none|no)$/i.test(v.trim())) return 0;
  const m = /^(\d+(?:\.\d+)?)(m|h|d)$/.exec(v.trim());
  if (!m) throw new Error(`--silence must be a duration like 30m, 2h or 1d, or off; got ${JSON.stringify(v)}`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}

const program = createProgram(
  'health-check',
  'Is everything working? Checks Bitcoin Core, the index server, mempool, the price database, the jobs and the disk.\n' +
    'Exit 0 HEALTHY, 3 DEGRADED, 1 UNHEALTHY, 2 bad usage, 4 already running.',
)
  .option('--prometheus <file>', 'also write node_exporter textfile metrics to FILE (atomically)')
  .option(
    '--alert',
    'alert through the webhooks: each check not OK once (again after ALERT_COOLDOWN_SECONDS), and once when it is OK again',
  )
  .option('--test-alert', 'send one signed test event through every configured webhook, run no checks')
  .option('--silence <duration>', 'hold firing alerts back for a while (30m, 2h, 1d), or end it (off); runs no checks')
  .option('--config', 'print every effective setting and where it came from (environment, .env, default)')
  .parse();
const flags = program.opts<{
  json?: boolean;
  verbose?: boolean;
  prometheus?: string;
  alert?: boolean;
  testAlert?: boolean;
  silence?: string;
  config?: boolean;
}>();
const modes = [flags.testAlert, flags.silence !== undefined, flags.config].filter(Boolean).length;
if (modes > 1) usageError(program, '--test-alert, --silence and --config go one at a time');
let silenceMs = 0;
if (flags.silence !== undefined) {
  try {
    silenceMs = parseSilence(flags.silence);
  } catch (err) {
    usageError(program, (err as Error).message);
  }
}

await runAndExit({
  job: 'health-check',
  flags,
  // It only reads: a job_runs row would make health-check a writer contending with analyze for
  // the price database, the very thing it inspects. Its runs live in the log and the textfile.
  recordRun: false,
  // Not a check: these may run beside a health-check cron run.
  lock: !(flags.testAlert || flags.silence !== undefined || flags.config),
  // No harness cap: the checks stop themselves at HEALTH_TOTAL_TIMEOUT_MS (runner), client requests
  // end by then too, and an alert to a dead webhook adds at most its 3 short attempts.
  main: (ctx) =>
    flags.testAlert
      ? runTestAlert(ctx)
      : flags.silence !== undefined
        ? Promise.resolve(runSilence(silenceMs, ctx))
        : flags.config
          ? Promise.resolve(runShowConfig(ctx))
          : healthCheckMain({ prometheusFile: flags.prometheus, alert: flags.alert === true }, ctx),
});
