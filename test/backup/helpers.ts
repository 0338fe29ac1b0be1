import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runJob, type CommonFlags } from '../../src/cli/harness.js';
import type { JobContext, JobOutcome } from '../../src/jobs/context.js';
import type { Clock } from '../../src/lib/clock.js';
import { withDatabase } from '../../src/store/duckdb.js';
import type { JsonDoc } from '../helpers/json.js';

export interface TestEnv {
  dir: string;
  env: NodeJS.ProcessEnv;
  priceDb: string;
  whaleDb: string;
  backupDir: string;
  archiveDir: string;
}

export function makeEnv(prefix: string): TestEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    env: { UTXORACLE_DATA_DIR: dir, LOG_LEVEL: 'silent', LOG_FORMAT: 'json', UTXORACLE_ENV_FILE: '' },
    priceDb: path.join(dir, 'utxoracle_cache.db'),
    whaleDb: path.join(dir, 'mempool_predictions.db'),
    backupDir: path.join(dir, 'backups'),
    archiveDir: path.join(dir, 'archives'),
  };
}

/** Runs a job in-process through the real harness; returns its exit code and stdout (parsed when --json). */
export async function run(
  t: TestEnv,
  job: string,
  main: (ctx: JobContext) => Promise<JobOutcome>,
  flags: CommonFlags = { json: true },
  extra: { lock?: boolean; lockName?: string; recordRun?: boolean; clock?: Clock } = {},
): Promise<{ code: number; doc: JsonDoc; lines: string[] }> {
  const lines: string[] = [];
  const code = await runJob({ job, flags, env: t.env, stdout: (l) => lines.push(l), main, ...extra });
  return { code, doc: flags.json ? (JSON.parse(lines[0] ?? '{}') as JsonDoc) : {}, lines };
}

/** Flips bytes in the middle of every 256 KiB block after DuckDB's headers, so some used block is hit. */
export function flipBytes(file: string): void {
  const buf = fs.readFileSync(file);
  for (let off = 12_288 + 100_000; off < buf.length; off += 262_144) for (let i = 0; i < 64; i++) buf[off + i]! ^= 0xff;
  fs.writeFileSync(file, buf);
}

export async function exec(file: string, sql: string): Promise<void> {
  await withDatabase(file, async (conn) => {
    await conn.run(sql);
  });
}

export const today = () => new Date().toISOString().slice(0, 10);
export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
