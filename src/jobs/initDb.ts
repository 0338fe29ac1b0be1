import { EXIT } from '../errors.js';
import { withDatabase } from '../store/duckdb.js';
import { checkSchema, latestVersion, migrate, type SchemaCheck, type SchemaDef } from '../store/migrations.js';
import { priceDbSchema } from '../store/schema/priceDb.js';
import { whaleDbSchema } from '../store/schema/whaleDb.js';
import type { JobContext, JobOutcome } from './context.js';
import fs from 'node:fs';

export interface InitDbOptions {
  check: boolean;
}

interface DbTarget {
  role: 'price' | 'fallback' | 'whale';
  path: string;
  schema: SchemaDef;
}

/** init-db: create or migrate both databases (and the fallback) idempotently, or --check them. */
export async function runInitDb(opts: InitDbOptions, ctx: JobContext): Promise<JobOutcome> {
  const s = ctx.settings;
  const targets: DbTarget[] = [
    { role: 'price', path: s.duckdbPath, schema: priceDbSchema },
    { role: 'fallback', path: s.duckdbBackupPath, schema: priceDbSchema },
    { role: 'whale', path: s.whaleDbPath, schema: whaleDbSchema },
  ];
  return opts.check ? check(targets, ctx) : init(targets, ctx);
}

async function init(targets: DbTarget[], ctx: JobContext): Promise<JobOutcome> {
  const lines: string[] = [];
  const databases: Record<string, unknown>[] = [];
  for (const t of targets) {
    if (ctx.dryRun) {
      lines.push(
        `[DRY-RUN] Would initialize ${t.schema.name} at ${t.path} (schema version ${latestVersion(t.schema)})`,
      );
      databases.push({ role: t.role, path: t.path, dry_run: true, schema_version: latestVersion(t.schema) });
      continue;
    }
    const r = await withDatabase(t.path, (conn) => migrate(conn, t.schema), { logger: ctx.log });
    const msg = r.applied.length ? `migrated ${r.from} -> ${r.to}` : `schema version ${r.to} already current`;
    ctx.log.info({ db: t.path, from: r.from, to: r.to, applied: r.applied }, `Database initialized: ${t.path}`);
    lines.push(`Database initialized: ${t.path} (${t.schema.name}, ${msg})`);
    databases.push({ role: t.role, path: t.path, schema_version: r.to, previous_version: r.from, applied: r.applied });
  }
  return { exitCode: EXIT.OK, result: { databases }, lines, message: lines.join('; ') };
}

async function check(targets: DbTarget[], ctx: JobContext): Promise<JobOutcome> {
  const lines: string[] = [];
  const databases: Record<string, unknown>[] = [];
  let ok = true;
  for (const t of targets) {
    let result: SchemaCheck | { ok: false; error: string };
    if (!fs.existsSync(t.path)) result = { ok: false, error: 'database file does not exist (run init-db)' };
    else
      result = await withDatabase(t.path, (conn) => checkSchema(conn, t.schema), { readOnly: true, logger: ctx.log });
    ok &&= result.ok;
    databases.push({ role: t.role, path: t.path, ...result });
    if (result.ok) lines.push(`Schema OK: ${t.path} (${t.schema.name}, version ${result.version})`);
    else if ('error' in result) lines.push(`Schema DIFFERS: ${t.path}: ${result.error}`);
    else {
      lines.push(`Schema DIFFERS: ${t.path} (version ${result.version}, expected ${result.expectedVersion})`);
      for (const m of result.missing) lines.push(`  missing:    ${m}`);
      for (const u of result.unexpected) lines.push(`  unexpected: ${u}`);
    }
  }
  return {
    exitCode: ok ? EXIT.OK : EXIT.FAILED,
    result: { ok, databases },
    lines,
    message: ok ? 'schema ok' : 'schema differs',
  };
}
