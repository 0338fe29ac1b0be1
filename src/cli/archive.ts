import { prepareDataDir } from '../config/dataDir.js';
import { runArchive } from '../jobs/archive.js';
import { runAndExit } from './harness.js';
import { createProgram, parseDuration, usageError } from './program.js';

const program = createProgram(
  'archive',
  'Move rows older than the retention from DuckDB to verified Parquet files, partitioned by table and month.',
  {
    dryRun: true,
  },
)
  .option(
    '--older-than <duration>',
    'move rows older than this, e.g. 90d (default ARCHIVE_RETENTION_DAYS)',
    parseDuration('--older-than'),
  )
  .option('--restore <month>', 'put the archived rows of one month (YYYY-MM) back into the databases')
  .parse();
const flags = program.opts<{
  json?: boolean;
  verbose?: boolean;
  dryRun?: boolean;
  olderThan?: number;
  restore?: string;
}>();
if (flags.restore !== undefined && flags.olderThan !== undefined)
  usageError(program, '--restore and --older-than cannot be combined');

await runAndExit({
  job: 'archive',
  flags,
  preflight:
    flags.restore === undefined && flags.dryRun !== true
      ? (settings, signal) => prepareDataDir(settings.archiveDir, 'ARCHIVE_DIR', { signal })
      : undefined,
  failureAlert:
    flags.restore === undefined ? { type: 'archive_failed', subject: 'archive', what: 'Archive' } : undefined,
  main: (ctx) => runArchive({ olderThanMs: flags.olderThan, restoreMonth: flags.restore }, ctx),
});
