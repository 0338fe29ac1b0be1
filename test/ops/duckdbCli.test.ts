import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../src/cli/harness.js';
import { fixedClock } from '../../src/lib/clock.js';
import { runArchive } from '../../src/jobs/archive.js';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { migrate } from '../../src/store/migrations.js';
import { priceDbSchema } from '../../src/store/schema/priceDb.js';
import { REPO_ROOT } from '../helpers/paths.js';

// The operator guide's "Querying with the duckdb CLI": the runbook's three queries and its archive
// read, taken from docs/operator-guide.md itself, on a price database and Parquet archive in a known state. Through the suite's own
// DuckDB always; through the real `duckdb` CLI (PyPI's duckdb-cli) when it is on PATH or
// DUCKDB_CLI names it, with the flags its documentation gives (-readonly, -json, -c).

const GUIDE = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'operator-guide.md'), 'utf8');
const section = GUIDE.slice(GUIDE.indexOf('## Querying with the duckdb CLI'));
const sectionEnd = section.indexOf('\n## ', 3);
const cliSection = sectionEnd > 0 ? section.slice(0, sectionEnd) : section;
const block = (lang: string) =>
  [...cliSection.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
// The first ```sql block is the runbook's three queries (the others: days_of_data, durations, whales).
const RUNBOOK_SQL = block('sql')
  .slice(0, 1)
  .join('\n')
  .split(/;\s*\n/)
  .map((q) => q.trim().replace(/;$/, ''))
  .filter(Boolean);
const PARQUET_COMMANDS = block('sh')
  .flatMap((b) => b.split('\n'))
  .filter((l) => l.startsWith('duckdb ') && l.includes('read_parquet('));

const CLI = process.env.DUCKDB_CLI ?? 'duckdb';
const version = spawnSync(CLI, ['-version'], { encoding: 'utf8', timeout: 20_000 });
const hasCli = version.status === 0 && /v\d+\.\d+/.test(String(version.stdout));
const NO_CLI = `${CLI} not found (pipx install duckdb-cli==1.5.5, or set DUCKDB_CLI): skipping the runs through the real CLI`;

/** One statement through the CLI in JSON mode; the rows it printed (no rows may print nothing). */
function cli(args: string[], cwd: string): Record<string, unknown>[] {
  const r = spawnSync(CLI, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TZ: 'UTC' } });
  if (r.status !== 0) throw new Error(`${CLI} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const out = r.stdout.trim();
  return out === '' ? [] : (JSON.parse(out) as Record<string, unknown>[]);
}

const DAY = 86_400_000;
let dir: string;
let dataDir: string;
let priceDb: string;
const now = Date.now();
// Three rows in July 2025 (archived: older than 90 days), four recent ones (kept).
const JULY = [
  { at: '2025-07-03T10:00:00Z', diff: 0.2, valid: true, confidence: 0.9 },
  { at: '2025-07-15T10:00:00Z', diff: -0.1, valid: true, confidence: 0.85 },
  { at: '2025-07-28T10:00:00Z', diff: 0.4, valid: false, confidence: 0.2 },
].map((r) => ({ ...r, id: randomUUID() }));
const RECENT = [
  { at: new Date(now - 30 * DAY).toISOString(), diff: 1.5, valid: false, confidence: 0.1 }, // outside the 7 days
  { at: new Date(now - 2 * DAY).toISOString(), diff: 0.3, valid: true, confidence: 0.91 },
  { at: new Date(now - 2 * DAY + 600_000).toISOString(), diff: -0.5, valid: true, confidence: 0.88 },
  { at: new Date(now - 1 * DAY).toISOString(), diff: 2.0, valid: false, confidence: 0.21 },
].map((r) => ({ ...r, id: randomUUID() }));
const sqlTime = (iso: string) =>
  iso
    .replace('T', ' ')
    .replace('Z', '')
    .replace(/\.000$/, '');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duckdb-cli-'));
  dataDir = path.join(dir, 'data'); // the guide's relative paths start at data/
  priceDb = path.join(dataDir, 'utxoracle_cache.db');
  fs.mkdirSync(dataDir);
  await withDatabase(priceDb, async (conn) => {
    await migrate(conn, priceDbSchema);
    for (const r of [...JULY, ...RECENT])
      await conn.run(
        `INSERT INTO prices (run_id, timestamp, utxoracle_price, mempool_price, confidence, tx_count, diff_amount,
           diff_percent, is_valid, first_height, last_height, tip_hash, output_count, point_count, rough_price)
         VALUES ($1, $2::TIMESTAMP, 100000, 100000 + 1000 * $3, $4, 1, 1000 * $3, $3, $5, 1, 144, 'h', 1, 1, 100000)`,
        [r.id, sqlTime(r.at), r.diff, r.confidence, r.valid],
      );
  });
  const out: string[] = [];
  const code = await runJob({
    job: 'archive',
    flags: { json: true },
    env: { UTXORACLE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', UTXORACLE_ENV_FILE: '' },
    stdout: (l) => out.push(l),
    clock: fixedClock(now),
    main: (ctx) => runArchive({}, ctx),
  });
  if (code !== 0) throw new Error(`archive exited ${code}: ${out.join('\n')}`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// What each runbook query must say about the rows above (the four recent ones remain in the table).
const valid = RECENT.filter((r) => r.valid).map((r) => r.diff);
const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
const sampleSd = Math.sqrt(valid.reduce((a, d) => a + (d - mean) ** 2, 0) / (valid.length - 1));
function judge(i: number, row: Record<string, unknown>): void {
  const v = Object.values(row);
  if (i === 0) {
    // The CLI prints a TIMESTAMP as text; the Node client gives a Date.
    const t = (x: unknown) => (x instanceof Date ? sqlTime(x.toISOString()) : String(x));
    expect(t(row.oldest_data)).toBe(sqlTime(RECENT[0]!.at));
    expect(t(row.newest_data)).toBe(sqlTime(RECENT[3]!.at));
    expect(Number(row.total_records)).toBe(4);
  } else if (i === 1) {
    // Invalid within the last 7 days: only the one a day old (confidence 0.21).
    expect(Number(v[0])).toBe(1);
    expect(Number(v[1])).toBe(0.21);
  } else {
    expect(Number(v[0])).toBeCloseTo(mean, 12);
    expect(Number(v[1])).toBe(0.5);
    expect(Number(v[2])).toBeCloseTo(sampleSd, 12);
  }
}

describe("the operator guide's duckdb CLI section", () => {
  it('carries the three runbook queries and one archive read', () => {
    expect(RUNBOOK_SQL).toHaveLength(3);
    expect(RUNBOOK_SQL[0]).toMatch(/^SELECT MIN\(timestamp\)/);
    expect(PARQUET_COMMANDS).toHaveLength(1);
    expect(cliSection).toMatch(/duckdb-cli==1\.5\.5/);
  });

  it('names the DuckDB version the suite embeds', async () => {
    const [r] = await withDatabase(':memory:', (c) => queryRows(c, 'SELECT version() AS v'));
    expect(r!.v).toBe('v1.5.5');
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    expect(lock.packages['node_modules/@duckdb/node-api']!.version).toBe('1.5.5-r.5');
  });

  it('its runbook SQL gives the figures the rows define (through the suite own DuckDB)', async () => {
    await withDatabase(
      priceDb,
      async (c) => {
        await c.run("SET TimeZone = 'UTC'");
        for (const [i, q] of RUNBOOK_SQL.entries()) {
          const rows = await queryRows(c, q);
          expect(rows, q).toHaveLength(1);
          judge(i, rows[0]!);
        }
      },
      { readOnly: true },
    );
  });

  describe.skipIf(!hasCli)('through the real duckdb CLI', () => {
    it(`is the version the suite writes with, or newer (${String(version.stdout).trim()})`, () => {
      const [maj, min, patch] = /v(\d+)\.(\d+)\.(\d+)/.exec(version.stdout)!.slice(1).map(Number);
      expect(maj! * 1e6 + min! * 1e3 + patch!).toBeGreaterThanOrEqual(1_005_005);
    });

    it('runs each runbook query read-only on the price database', () => {
      for (const [i, q] of RUNBOOK_SQL.entries()) {
        const rows = cli(['-readonly', '-json', '-c', q, priceDb], dir);
        expect(rows, q).toHaveLength(1);
        judge(i, rows[0]!);
      }
    });

    it("reads the archive's Parquet files back with the guide's command: exactly July's rows", () => {
      const cmd = PARQUET_COMMANDS[0]!;
      const sql = /^duckdb -c "(.*)"$/.exec(cmd)![1]!;
      const rows = cli(['-json', '-c', sql], dir);
      expect(rows.map((r) => r.run_id).sort()).toEqual(JULY.map((r) => r.id).sort());
      for (const r of rows) {
        expect(r.month).toBe('2025-07');
        const want = JULY.find((j) => j.id === r.run_id)!;
        expect(Number(r.diff_percent)).toBe(want.diff);
        expect(Boolean(r.is_valid)).toBe(want.valid);
      }
    });
  });
  if (!hasCli) it.skip(NO_CLI, () => undefined);
});
