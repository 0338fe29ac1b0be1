import fs from 'node:fs';
import path from 'node:path';
import { crashPoint } from '../backup/crashPoint.js';
import { listBackups, formatList } from '../backup/list.js';
import { backupTargets } from '../backup/names.js';
import { forgetBackups, readRecords, recordBackups } from '../backup/records.js';
import { restoreBackup } from '../backup/restore.js';
import { newestGood, planRetention, removeBackup, scanBackups } from '../backup/retention.js';
import { removeStaleTemps, takeBackup, type TakenBackup } from '../backup/take.js';
import { verifyBackupFile } from '../backup/verify.js';
import { ConfigError, describeError, EXIT, StoreError } from '../errors.js';
import type { JobContext, JobOutcome } from './context.js';

export type BackupMode = { kind: 'backup' } | { kind: 'list' } | { kind: 'verify'; file: string } | { kind: 'restore'; file: string };

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
const counts = (t: TakenBackup) => Object.entries(t.sums).map(([k, v]) => `${k}=${v.rows}`).join(' ');

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
  crashPoint('backup:before-record');
  if (!dry) {
    await recordBackups(
      s,
      taken.map((t) => ({ path: t.file, dbName: t.role, sourcePath: t.source, takenAt: t.takenAt, verified: true, sizeBytes: t.sizeBytes, sums: t.sums, runId: ctx.runId })),
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
    result: { dry_run: dry, backups: taken, skipped, failures, retention: retention.result },
    lines,
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
  const remove = planRetention(all, keep, new Date(), s.backupRetentionDays);
  if (!ctx.dryRun) {
    for (const b of remove) {
      removeBackup(s.backupDir, b);
      crashPoint('backup:retention-after-remove');
    }
    await forgetBackups(s, remove.map((b) => path.join(s.backupDir, b.file)), ctx.log);
  }
  const verb = ctx.dryRun ? '[DRY-RUN] Would remove' : 'Removed';
  const lines = remove.map((b) => `${verb} old backup ${path.join(s.backupDir, b.file)} (older than ${s.backupRetentionDays} days)`);
  return { lines, result: { retention_days: s.backupRetentionDays, removed: remove.map((b) => b.file), kept_newest_verified: [...keep] } };
}

async function list(ctx: JobContext): Promise<JobOutcome> {
  const items = await listBackups(ctx.settings, ctx.log);
  return { exitCode: EXIT.OK, result: { backups: items }, lines: formatList(items), message: `${items.length} backups` };
}

function mustExist(file: string, flag: string): string {
  const abs = path.resolve(file);
  if (!fs.statSync(abs, { throwIfNoEntry: false })?.isFile()) throw new ConfigError(`${flag}: no such file ${JSON.stringify(file)}`, flag);
  return abs;
}

async function verify(file: string, ctx: JobContext): Promise<JobOutcome> {
  const abs = mustExist(file, '--verify');
  const rec = (await readRecords(ctx.settings, ctx.log).catch(() => new Map())).get(abs);
  const v = await verifyBackupFile(abs, rec?.sums);
  const tables = v.actual ? Object.entries(v.actual).map(([t, x]) => `${t}=${x.rows}`).join(' ') : '';
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
  const abs = mustExist(file, '--restore');
  const r = await restoreBackup(abs, ctx.settings, ctx.log, ctx.dryRun);
  const head = r.dryRun ? `[DRY-RUN] Would restore ${r.database} from ${r.file}` : `Restored ${r.database} from ${r.file}`;
  const lines = [
    head,
    ...(r.preRestore ? [`Previous database kept as ${r.preRestore}`] : []),
    ...r.changes.map((c) => `  ${c.table}: ${c.before ?? '(none)'} -> ${c.after ?? '(none)'} rows`),
  ];
  if (!r.dryRun && r.changes.length === 0) throw new StoreError(`restore of ${abs} changed nothing`, abs);
  return { exitCode: EXIT.OK, result: { restore: r }, lines, message: head };
}
