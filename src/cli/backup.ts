import { prepareDataDir } from '../config/dataDir.js';
import { runBackup, type BackupMode } from '../jobs/backup.js';
import { runAndExit } from './harness.js';
import { createProgram, usageError } from './program.js';

const program = createProgram(
  'backup',
  'Verified, consistent backups of the DuckDB databases, with retention, listing, verification and restore.',
  {
    dryRun: true,
  },
)
  .option('--list', 'list the backups: date, size, verified, row counts (reads only)')
  .option('--verify <file>', 'verify one backup file; exit 1 when it fails')
  .option(
    '--restore <file|latest>',
    'verify, then restore a backup in place of its database (keeps the old one as <db>.pre-restore-<time>); ' +
      '"latest": restore each database that does not open from its newest verified backup, and a missing .env',
  )
  .parse();
const flags = program.opts<{
  json?: boolean;
  verbose?: boolean;
  dryRun?: boolean;
  list?: boolean;
  verify?: string;
  restore?: string;
}>();

const chosen = [
  flags.list && '--list',
  flags.verify !== undefined && '--verify',
  flags.restore !== undefined && '--restore',
].filter(Boolean);
if (chosen.length > 1) usageError(program, `${chosen.join(' and ')} cannot be combined`);

const mode: BackupMode = flags.list
  ? { kind: 'list' }
  : flags.verify !== undefined
    ? { kind: 'verify', file: flags.verify }
    : flags.restore !== undefined
      ? { kind: 'restore', file: flags.restore }
      : { kind: 'backup' };
const readOnly = mode.kind === 'list' || mode.kind === 'verify';

await runAndExit({
  job: 'backup',
  flags,
  // --list and --verify only read: they may run beside a backup. Restore takes the backup lock
  // here and the writers' locks itself.
  lock: !readOnly,
  // A lost .env is one of the things --restore latest brings back.
  envFileOptional: mode.kind === 'restore',
  recordRun: !readOnly && flags.dryRun !== true,
  // Only the nightly backup itself is a condition to alert on; --list/--verify/--restore answer the
  // operator at the terminal.
  // A BACKUP_DIR that cannot be a directory is a setting to fix (exit 2), not a failed backup.
  preflight:
    mode.kind === 'backup' && flags.dryRun !== true
      ? (settings, signal) => prepareDataDir(settings.backupDir, 'BACKUP_DIR', { signal })
      : undefined,
  failureAlert: mode.kind === 'backup' ? { type: 'backup_failed', subject: 'backup', what: 'Backup' } : undefined,
  main: (ctx) => runBackup(mode, ctx),
});
