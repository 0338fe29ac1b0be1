/**
 * README — Backups (`backup`, cron `0 3 * * *`)
 *
 * What a run does, per database (price `utxoracle_cache`, whale `mempool_predictions`, and the
 * fallback `utxoracle_fallback` when it exists):
 *  - Opens the live file through DuckDB (retrying while analyze/whale-watch hold it: DuckDB
 *    allows one process per file and the writers hold it only for short transactions), runs
 *    CHECKPOINT, then in ONE transaction records each table's row count and checksum
 *    (sum of DuckDB hash() over all columns: order-independent) and copies everything with
 *    `ATTACH '<tmp>'; COPY FROM DATABASE` (tables, constraints, indexes, data). Never `cp`.
 *  - The copy carries a `_backup_manifest` table (tables, counts, checksums at copy time, source,
 *    time, DuckDB version), so any backup file can be verified on its own, on any host.
 *  - The copy is written as `<BACKUP_DIR>/.tmp-backup-…`, verified (opened read-only in a child
 *    process, same tables, same counts, same checksums as the manifest), fsynced, and only then
 *    named `<stem>_YYYY-MM-DD.db`. A second backup the same day never replaces the first: it is
 *    named `<stem>_YYYY-MM-DD-HHMMSS.db` (link() refuses to overwrite).
 *  - Each backup gets a row in the `backups` table (price database) and the run one in `job_runs`.
 *    The price database's own backup is taken before that row is written, so it never holds it.
 *  - Retention: our files (by name) dated before today - BACKUP_RETENTION_DAYS are deleted, except
 *    the newest backup of each database that passes verification — kept even when every backup is
 *    old. Other files in the directory are never touched. A crashed run's `.tmp-backup-*` files are
 *    removed by the next run.
 *  - Verification runs in a child process because DuckDB 1.5 can crash natively (SIGSEGV) on some
 *    corrupt files rather than throw; in a child that is simply "failed verification".
 *
 * Commands:
 *   backup                   take, verify, name, record, apply retention (exit 0; 1 if one failed)
 *   backup --dry-run         read and checksum the databases, show names and what retention would delete
 *   backup --list [--json]   date, size, verified (from the backups table; "unrecorded" if a crash
 *                            came between naming and recording), row counts
 *   backup --verify FILE     exit 0 good, 1 bad (lists the problems), 2 no such file
 *   backup --restore FILE    see restore.ts: verify, take the locks of analyze/archive/init-db (price)
 *                            or whale-watch/archive/init-db (whale) — exit 4 while one runs, so
 *                            comment out the cron lines first — keep the live file as
 *                            `<db>.pre-restore-<UTC time>`, swap atomically, print row counts before -> after.
 *                            `--dry-run` shows the row changes without touching anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crashPoint } from '../lib/crashPoint.js';
import { listBackups, formatList } from '../backup/list.js';
import { backupTargets } from '../backup/names.js';
import { forgetBackups, readRecords, recordBackups, type BackupRecord } from '../backup/records.js';
import { restoreBackup } from '../backup/restore.js';
import { restoreLatest, type LatestResult } from '../backup/restoreLatest.js';
import { copyConfig, staleConfigCopies } from '../backup/configCopy.js';
import { newestGood, planRetention, removeBackup, scanBackups } from '../backup/retention.js';
import { removeStaleTemps, takeBackup, type TakenBackup } from '../backup/take.js';
import { verifyBackupFile } from '../backup/verify.js';
import { ConfigError, describeError, EXIT, StoreError } from '../errors.js';
import type { JobContext, JobOutcome } from './context.js';

export type BackupMode =
  { kind: 'backup' } | { kind: 'list' } | { kind: 'verify'; file: string } | { kind: 'restore'; file: string };

export async function runBackup(mode: BackupMode, ctx: JobContext): Promise<JobOutcome> {
  switch (mode.kind) {
    case 'list':
      return list(ctx);
    case 'verify':
      return verify(mode.file, ctx);
    case 'restore':
      return restore(mode.file, ctx);
    default:
      return backup(ctx);
  }
}

const mb = (n: number) => `${(n / 1_048_576).toFixed(2)} MB`;
const counts = (t: TakenBackup) =>
  Object.entries(t.sums)
    .map(([k, v]) => `${k}=${v.rows}`)
    .join(' ');

/** The nightly run: a verified copy of each database, recorded, then retention. */
async function backup(ctx: JobContext): Promise<JobOutcome> {
  const s = ctx.settings;
  const dry = ctx.dryRun;
  ctx.log.info({ backupDir: s.backupDir, dryRun: dry }, 'Starting backup');
  if (!dry) removeStaleTemps(s.backupDir, ctx.log);
  const taken: TakenBackup[] = [];
  const failures: string[] = [];
  const skipped: string[] = [];
  for (const t of backupTargets(s)) {
    if (!fs.existsSync(t.path)) {
      if (t.required) failures.push(`${t.role} database ${t.path} does not exist (run init-db)`);
      else skipped.push(`${t.role} database ${t.path} does not exist; skipped`);
      continue;
    }
    try {
      taken.push(await takeBackup(t, s.backupDir, ctx.log, dry));
    } catch (err) {
      ctx.log.error({ db: t.path, err: describeError(err) }, `Backup of ${t.path} failed`);
      failures.push(`${t.role}: ${describeError(err)}`);
    }
  }
  const config = backupConfig(ctx, failures);
  crashPoint('backup:before-record');
  if (!dry) {
    await recordBackups(
      s,
      taken.map((t) => ({
        path: t.file,
        dbName: t.role,
        sourcePath: t.source,
        takenAt: t.takenAt,
        verified: true,
        sizeBytes: t.sizeBytes,
        sums: t.sums,
        runId: ctx.runId,
      })),
      ctx.log,
    );
  }
  crashPoint('backup:after-record');
  const retention = await applyRetention(ctx, new Set(taken.map((t) => path.basename(t.file))));

  const pre = dry ? '[DRY-RUN] Would write backup' : 'Backup written';
  const lines = [
    ...taken.map((t) => `${pre}: ${t.file}${dry ? '' : ` (${mb(t.sizeBytes)}, verified)`}  ${counts(t)}`),
    ...skipped,
    ...retention.lines,
    ...failures.map((f) => `FAILED: ${f}`),
  ];
  const code = failures.length ? EXIT.FAILED : EXIT.OK;
  return {
    exitCode: code,
    result: { dry_run: dry, backups: taken, config, skipped, failures, retention: retention.result },
    lines: [...lines.slice(0, taken.length), ...config.lines, ...lines.slice(taken.length)],
    message: failures.length ? failures.join('; ') : `${taken.length} backup(s) ${dry ? 'planned' : 'written'}`,
  };
}

/** Deletes our backups older than the retention, never the newest verified one of each database. */
async function applyRetention(ctx: JobContext, justTaken: Set<string>) {
  const s = ctx.settings;
  const all = scanBackups(s.backupDir);
  const records = await readRecords(s, ctx.log);
  const keep = new Set<string>();
  for (const role of ['price', 'whale', 'fallback'] as const) {
    const good = await newestGood(all, role, async (b) => {
      if (justTaken.has(b.file)) return true;
      const full = path.join(s.backupDir, b.file);
      return (await verifyBackupFile(full, records.get(full)?.sums)).ok;
    });
    if (good) keep.add(good.file);
  }
  const remove = planRetention(all, keep, new Date(ctx.clock.now()), s.backupRetentionDays);
  const staleConfig = staleConfigCopies(s.backupDir, new Date(ctx.clock.now()), s.backupRetentionDays);
  if (!ctx.dryRun) for (const c of staleConfig) fs.rmSync(path.join(s.backupDir, c.file), { force: true });
  if (!ctx.dryRun) {
    for (const b of remove) {
      removeBackup(s.backupDir, b);
      crashPoint('backup:retention-after-remove');
    }
    await forgetBackups(
      s,
      remove.map((b) => path.join(s.backupDir, b.file)),
      ctx.log,
    );
  }
  const verb = ctx.dryRun ? '[DRY-RUN] Would remove' : 'Removed';
  const lines = [...remove, ...staleConfig].map(
    (b) => `${verb} old backup ${path.join(s.backupDir, b.file)} (older than ${s.backupRetentionDays} days)`,
  );
  return {
    lines,
    result: {
      retention_days: s.backupRetentionDays,
      removed: [...remove, ...staleConfig].map((b) => b.file),
      kept_newest_verified: [...keep],
    },
  };
}

async function list(ctx: JobContext): Promise<JobOutcome> {
  const items = await listBackups(ctx.settings, ctx.log);
  return {
    exitCode: EXIT.OK,
    result: { backups: items },
    lines: formatList(items),
    message: `${items.length} backups`,
  };
}

function mustExist(file: string, flag: string): string {
  const abs = path.resolve(file);
  if (!fs.statSync(abs, { throwIfNoEntry: false })?.isFile())
    throw new ConfigError(`${flag}: no such file ${JSON.stringify(file)}`, flag);
  return abs;
}

async function verify(file: string, ctx: JobContext): Promise<JobOutcome> {
  const abs = mustExist(file, '--verify');
  const rec = (await readRecords(ctx.settings, ctx.log).catch(() => new Map<string, BackupRecord>())).get(abs);
  const v = await verifyBackupFile(abs, rec?.sums);
  const tables = v.actual
    ? Object.entries(v.actual)
        .map(([t, x]) => `${t}=${x.rows}`)
        .join(' ')
    : '';
  const lines = v.ok
    ? [`Backup OK: ${abs} (${v.manifest!.role} database, taken ${v.manifest!.takenAt}, ${mb(v.sizeBytes)})  ${tables}`]
    : [`Backup FAILED verification: ${abs}`, ...v.problems.map((p) => `  ${p}`)];
  const { manifest, ...rest } = v;
  return {
    exitCode: v.ok ? EXIT.OK : EXIT.FAILED,
    result: { ...rest, role: manifest?.role ?? null, taken_at: manifest?.takenAt ?? null, recorded: rec !== undefined },
    lines,
    message: v.ok ? `verified ${abs}` : `verification failed: ${abs}: ${v.problems.join('; ')}`,
  };
}

async function restore(file: string, ctx: JobContext): Promise<JobOutcome> {
  if (file === 'latest') return restoreNewest(ctx);
  const abs = mustExist(file, '--restore');
  const r = await restoreBackup(abs, ctx.settings, ctx.log, ctx.dryRun);
  const head = r.dryRun
    ? `[DRY-RUN] Would restore ${r.database} from ${r.file}`
    : `Restored ${r.database} from ${r.file}`;
  const lines = [
    head,
    ...(r.preRestore ? [`Previous database kept as ${r.preRestore}`] : []),
    ...r.changes.map((c) => `  ${c.table}: ${c.before ?? '(none)'} -> ${c.after ?? '(none)'} rows`),
  ];
  if (!r.dryRun && r.changes.length === 0) throw new StoreError(`restore of ${abs} changed nothing`, abs);
  return { exitCode: EXIT.OK, result: { restore: r }, lines, message: head };
}

/** The .env copy of a backup run (BACKUP_CONFIG), with its line; a failure is the run's failure. */
function backupConfig(ctx: JobContext, failures: string[]): { file: string | null; lines: string[]; note?: string } {
  const s = ctx.settings;
  const env = ctx.envFile;
  if (!s.backupConfig) return { file: null, lines: [], note: 'BACKUP_CONFIG=false' };
  if (!env || !fs.existsSync(env)) return { file: null, lines: [], note: `no ${env ?? '.env'} to copy` };
  try {
    const file = copyConfig(env, s.backupDir, new Date(ctx.clock.now()), ctx.dryRun);
    const line = ctx.dryRun
      ? `[DRY-RUN] Would copy the configuration ${env} (mode 0600)`
      : `Configuration copied: ${file} (from ${env}, mode 0600)`;
    return { file: file ?? null, lines: [line] };
  } catch (err) {
    ctx.log.error({ env, err: describeError(err) }, `Copy of ${env} failed`);
    failures.push(`configuration ${env}: ${describeError(err)}`);
    return { file: null, lines: [] };
  }
}

async function restoreNewest(ctx: JobContext): Promise<JobOutcome> {
  const r: LatestResult = await restoreLatest(ctx.settings, ctx.envFile, ctx.log, ctx.dryRun);
  const pre = r.dryRun ? '[DRY-RUN] Would restore' : 'Restored';
  const lines: string[] = [];
  for (const st of r.steps) {
    if (st.action === 'opens') lines.push(`${st.database}: opens; left alone`);
    else if (st.action === 'absent') lines.push(`${st.database}: absent; nothing to restore`);
    else if (st.action === 'moved-aside')
      lines.push(
        `${st.database}: did not open (${st.why}); ${st.movedTo ? `moved to ${st.movedTo}` : 'would be moved aside'}` +
          '; analyze starts a new fallback database',
      );
    else {
      const x = st.restore!;
      lines.push(`${pre} ${x.database} from ${x.file}${st.why ? ` (it did not open: ${st.why})` : ''}`);
      if (x.corruptMovedTo) lines.push(`The file that did not open is kept as ${x.corruptMovedTo}`);
      if (x.preRestore) lines.push(`Previous database kept as ${x.preRestore}`);
      for (const c of x.changes) lines.push(`  ${c.table}: ${c.before ?? '(none)'} -> ${c.after ?? '(none)'} rows`);
    }
  }
  if (r.configRestoredFrom) lines.push(`${pre} ${r.envFile} from ${r.configRestoredFrom} (mode 0600)`);
  const restored = r.steps.filter((x) => x.action === 'restored').length;
  if (restored === 0 && !r.configRestoredFrom) lines.push('Every database opens: nothing restored');
  return {
    exitCode: EXIT.OK,
    result: { restore_latest: r },
    lines,
    message: `${restored} database(s) restored${r.configRestoredFrom ? ', .env restored' : ''}`,
  };
}
