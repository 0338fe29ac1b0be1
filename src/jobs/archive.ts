// README — Archives (`archive`, cron monthly, e.g. `0 4 1 * *`)
//
// Rows older than `--older-than` (default ARCHIVE_RETENTION_DAYS = 90 days) of `prices`,
// `daily_prices`, `job_runs`, `alert_events` (price database) and `mempool_predictions`,
// `prediction_outcomes`, `alert_events` (whale database) move to Parquet:
//
//   <ARCHIVE_DIR>/table=<table>/month=<YYYY-MM>/<price|whale>-<rows>-<checksum>.parquet
//
// Per table and month: the rows not already archived (by key: run_id, date, txid, event_id) are
// written to `<ARCHIVE_DIR>/.tmp/`, fsynced, read back (column types, count and checksum must equal
// the selection), renamed into the partition, and only then deleted from the database in one
// transaction — exactly the rows whose key AND content are in a part file. A crash at any point
// leaves every row in the database or a verified part (or briefly both); the next run finishes the
// job without duplicating anything. Afterwards a CHECKPOINT frees the deleted rows' blocks; the
// before/after file sizes are reported (DuckDB reuses freed blocks but may not shrink the file).
//
// Reading archives back (duckdb CLI or any Parquet reader):
//   duckdb -c "SELECT * FROM read_parquet('data/archives/table=prices/*/*.parquet', hive_partitioning = true) WHERE month = '2025-07'"
//   (`table` and `month` come back as columns; alert_events from both databases share a
//    partition — `filename = true` tells them apart by the `price-`/`whale-` prefix.)
// Or put one month back into the databases: `archive --restore 2025-07` (rows whose key is already
// present are not duplicated; the month's part files are removed afterwards; the next archive run
// moves them out again unless `--older-than` is raised). `--dry-run` lists, per table and month,
// what would move (or, with --restore, what would come back).
import fs from 'node:fs';
import { dbFileSize } from '../fs/durable.js';
import { removeStaleTemps } from '../archive/files.js';
import { moveMonth, type MonthResult } from '../archive/moveMonth.js';
import { planMonths, type MonthPlan } from '../archive/plan.js';
import { restoreMonth, type RestoreMonthResult } from '../archive/restoreMonth.js';
import { ARCHIVE_TABLES, dbPath, MONTH_RE, type ArchiveDb } from '../archive/tables.js';
import { ConfigError, EXIT } from '../errors.js';
import { withDatabase } from '../store/duckdb.js';
import type { JobContext, JobOutcome } from './context.js';

export interface ArchiveOptions {
  /** Move rows older than this (ms); default ARCHIVE_RETENTION_DAYS. */
  olderThanMs?: number;
  /** `--restore YYYY-MM`: put that month's archived rows back instead. */
  restoreMonth?: string;
}

const DBS: ArchiveDb[] = ['price', 'whale'];
// Each table opens the database on its own (all its months in one go), so analyze and
// whale-watch get the file between tables instead of waiting for the whole run.
const OPEN = { retries: 40, maxRetryMs: 1_000 };

export async function runArchive(opts: ArchiveOptions, ctx: JobContext): Promise<JobOutcome> {
  if (opts.restoreMonth !== undefined) return restore(opts.restoreMonth, ctx);
  const s = ctx.settings;
  const olderThanMs = opts.olderThanMs ?? s.archiveRetentionDays * 86_400_000;
  const cutoff = new Date(ctx.clock.now() - olderThanMs);
  ctx.log.info({ cutoff: cutoff.toISOString(), archiveDir: s.archiveDir, dryRun: ctx.dryRun }, 'Starting archive');
  if (!ctx.dryRun) removeStaleTemps(s.archiveDir, ctx.log);

  const plans: MonthPlan[] = [];
  const moved: MonthResult[] = [];
  const sizes: { db: string; path: string; before_bytes: number; after_bytes: number }[] = [];
  const lines: string[] = [];
  for (const db of DBS) {
    const p = dbPath(s, db);
    if (!fs.existsSync(p)) {
      lines.push(`${db} database ${p} does not exist; skipped`);
      continue;
    }
    const tables = ARCHIVE_TABLES.filter((t) => t.db === db);
    const before = dbFileSize(p);
    const plan = await withDatabase(p, (conn) => planMonths(conn, tables, cutoff), {
      ...OPEN,
      readOnly: ctx.dryRun,
      logger: ctx.log,
    });
    plans.push(...plan);
    if (ctx.dryRun) {
      for (const u of plan) lines.push(`[DRY-RUN] Would archive ${db} ${u.table.table} ${u.month}: ${u.rows} rows`);
      continue;
    }
    for (const table of tables) {
      const units = plan.filter((u) => u.table === table);
      if (units.length === 0) continue;
      const results = await withDatabase(
        p,
        async (conn) => {
          const out: MonthResult[] = [];
          for (const u of units) out.push(await moveMonth(conn, u.table, u.month, cutoff, s.archiveDir));
          return out;
        },
        { ...OPEN, logger: ctx.log },
      );
      for (const r of results) {
        moved.push(r);
        ctx.log.info(r, `Archived ${r.table} ${r.month}: ${r.archived} rows written, ${r.deleted} deleted`);
        const where = r.file ? ` to ${r.file}` : '';
        const conflicts = r.conflicts ? ` (${r.conflicts} CONFLICTING rows left in the database)` : '';
        lines.push(`Archived ${db} ${r.table} ${r.month}: ${r.deleted} rows moved${where}${conflicts}`);
      }
    }
    // Deleted rows' blocks are freed at checkpoint and reused by later writes; DuckDB does not
    // always shrink the file, so the sizes are reported, not promised.
    if (plan.length)
      await withDatabase(p, (conn) => conn.run('CHECKPOINT').then(() => undefined), { ...OPEN, logger: ctx.log });
    const after = dbFileSize(p);
    sizes.push({ db, path: p, before_bytes: before, after_bytes: after });
    lines.push(`${p}: ${before} -> ${after} bytes`);
  }
  const total = ctx.dryRun ? plans.reduce((n, u) => n + u.rows, 0) : moved.reduce((n, r) => n + r.deleted, 0);
  const conflicts = moved.reduce((n, r) => n + r.conflicts, 0);
  lines.push(
    ctx.dryRun
      ? `[DRY-RUN] ${total} rows older than ${cutoff.toISOString()} would move`
      : `${total} rows archived to ${s.archiveDir}`,
  );
  return {
    exitCode: conflicts ? EXIT.DEGRADED : EXIT.OK,
    result: {
      dry_run: ctx.dryRun,
      cutoff: cutoff.toISOString(),
      archive_dir: s.archiveDir,
      plan: plans.map((u) => ({ db: u.table.db, table: u.table.table, month: u.month, rows: u.rows })),
      moved,
      sizes,
      rows_moved: ctx.dryRun ? 0 : total,
      conflicts,
    },
    lines,
    message: conflicts
      ? `${total} rows archived; ${conflicts} conflicting rows left in place`
      : `${total} rows ${ctx.dryRun ? 'would move' : 'archived'}`,
  };
}

async function restore(month: string, ctx: JobContext): Promise<JobOutcome> {
  if (!MONTH_RE.test(month))
    throw new ConfigError(`--restore must be a month YYYY-MM, got ${JSON.stringify(month)}`, '--restore');
  const s = ctx.settings;
  const results: RestoreMonthResult[] = [];
  for (const db of DBS) {
    const p = dbPath(s, db);
    const tables = ARCHIVE_TABLES.filter((t) => t.db === db);
    for (const t of tables) {
      if (!fs.existsSync(p)) continue;
      results.push(
        await withDatabase(p, (conn) => restoreMonth(conn, t, month, s.archiveDir, ctx.dryRun), {
          ...OPEN,
          readOnly: ctx.dryRun,
          logger: ctx.log,
        }),
      );
    }
  }
  const pre = ctx.dryRun ? '[DRY-RUN] Would restore' : 'Restored';
  const lines = results
    .filter((r) => r.files > 0)
    .map(
      (r) =>
        `${pre} ${r.db} ${r.table} ${r.month}: ${r.inserted} of ${r.archivedRows} archived rows` +
        (r.conflicts ? ` (${r.conflicts} conflict; files kept)` : ''),
    );
  const conflicts = results.reduce((n, r) => n + r.conflicts, 0);
  if (lines.length === 0) lines.push(`No archived rows for ${month} under ${s.archiveDir}`);
  return {
    exitCode: conflicts ? EXIT.DEGRADED : EXIT.OK,
    result: { dry_run: ctx.dryRun, month, restored: results },
    lines,
    message: lines.join('; '),
  };
}
