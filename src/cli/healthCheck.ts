import { healthCheckMain } from '../jobs/healthCheck.js';
import { runAndExit } from './harness.js';
import { createProgram } from './program.js';

const program = createProgram(
  'health-check',
  'Is everything working? Checks Bitcoin Core, electrs, mempool, the price database, the jobs and the disk.\n' +
    'Exit 0 HEALTHY, 3 DEGRADED, 1 UNHEALTHY, 2 bad usage, 4 already running.',
)
  .option('--prometheus <file>', 'also write node_exporter textfile metrics to FILE (atomically)')
  .option('--alert', 'post the signed webhook (ALERT_WEBHOOK_URL) when the node is not healthy')
  .parse();
const flags = program.opts<{ json?: boolean; verbose?: boolean; prometheus?: string; alert?: boolean }>();

await runAndExit({
  job: 'health-check',
  flags,
  // It only reads: a job_runs row would make health-check a writer contending with analyze for
  // the price database, the very thing it inspects. Its runs live in the log and the textfile.
  recordRun: false,
  // No harness cap: the checks stop themselves at HEALTH_TOTAL_TIMEOUT_MS (runner), client requests
  // end by then too, and an alert to a dead webhook adds at most its 3 short attempts.
  main: (ctx) => healthCheckMain({ prometheusFile: flags.prometheus, alert: flags.alert === true }, ctx),
});
