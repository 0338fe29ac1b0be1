import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../src/cli/harness.js';
import { runBackup, type BackupMode } from '../../src/jobs/backup.js';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';
import { holdDatabase } from '../helpers/holdDb.js';
import type { JsonDoc } from '../helpers/json.js';

// The runbook's disaster recovery, scenario 1 ("DuckDB database corruption") and the lost .env, end
// to end on real files: a primary that is not a DuckDB file any more, analyze saving to the fallback
// meanwhile, `backup --restore latest`, and the next analyze run merging the fallback's rows.

let e: AnalyzeEnv;
let envFile: string;
let env: Record<string, string>;
let priceDb: string;
const ENV_TEXT = "# the operator's settings\nMIN_PRICE_USD=10000\nALERT_COOLDOWN_SECONDS=7200\n";

beforeAll(async () => {
  e = await startAnalyzeEnv({ seed: 13, date: '2025-06-01' });
  envFile = path.join(e.dataDir, 'operator.env');
  fs.writeFileSync(envFile, ENV_TEXT, { mode: 0o644 });
  env = { ...e.env, UTXORACLE_ENV_FILE: envFile };
  priceDb = path.join(e.dataDir, 'utxoracle_cache.db');
});
afterAll(() => e.close());

async function backup(mode: BackupMode, extra: Record<string, string> = {}, dryRun = false) {
  const out: string[] = [];
  const code = await runJob({
    job: 'backup',
    flags: { json: true, dryRun },
    env: { ...env, ...extra },
    envFileOptional: mode.kind === 'restore',
    stdout: (l) => out.push(l),
    main: (ctx) => runBackup(mode, ctx),
  });
  return { code, doc: JSON.parse(out[0]!) as JsonDoc };
}
const runIds = async () =>
  (
    await withDatabase(priceDb, (c) => queryRows(c, 'SELECT run_id FROM prices ORDER BY run_id'), { readOnly: true })
  ).map((r) => r.run_id as string);
const backupDir = () => path.join(e.dataDir, 'backups');

describe('backup keeps the configuration', () => {
  it('copies the .env it read beside the databases, mode 0600, byte for byte', async () => {
    for (let i = 0; i < 2; i++) expect((await e.run({ mode: 'recent' }, { env })).code).toBe(0);
    const r = await backup({ kind: 'backup' });
    expect(r.code).toBe(0);
    const copy = r.doc.config.file as string;
    expect(path.dirname(copy)).toBe(backupDir());
    expect(path.basename(copy)).toMatch(/^utxoracle_env_\d{4}-\d\d-\d\d\.env$/);
    expect(fs.readFileSync(copy, 'utf8')).toBe(ENV_TEXT);
    expect(fs.statSync(copy).mode & 0o777).toBe(0o600);
  });

  it('BACKUP_CONFIG=false copies nothing', async () => {
    const before = fs.readdirSync(backupDir()).filter((f) => f.endsWith('.env'));
    const r = await backup({ kind: 'backup' }, { BACKUP_CONFIG: 'false' });
    expect(r.code).toBe(0);
    expect(r.doc.config).toEqual({ file: null, lines: [], note: 'BACKUP_CONFIG=false' });
    expect(fs.readdirSync(backupDir()).filter((f) => f.endsWith('.env'))).toEqual(before);
  });
});

describe('backup --restore latest', () => {
  it('with every database opening, restores nothing', async () => {
    const r = await backup({ kind: 'restore', file: 'latest' });
    expect(r.code).toBe(0);
    expect(r.doc.restore_latest.steps.map((s: { role: string; action: string }) => `${s.role} ${s.action}`)).toEqual([
      'price opens',
      'whale absent',
      'fallback absent',
    ]);
  });

  it('restores a corrupt primary from its newest verified backup, keeps the corrupt file, and analyze merges the fallback', async () => {
    const backedUp = await runIds();
    expect(backedUp.length).toBeGreaterThanOrEqual(2);
    // The primary's bytes are no DuckDB file any more.
    const garbage = Buffer.alloc(fs.statSync(priceDb).size, 0x42);
    fs.writeFileSync(priceDb, garbage);
    // Meanwhile cron runs analyze: the row goes to the fallback (exit 3).
    const meanwhile = await e.run({ mode: 'recent' }, { env });
    expect(meanwhile.code).toBe(3);
    expect(meanwhile.doc.saved_to).toBe(path.join(e.dataDir, 'fallback', 'utxoracle_fallback.db'));

    const dry = await backup({ kind: 'restore', file: 'latest' }, {}, true);
    expect(dry.code).toBe(0);
    // Buffer.equals: a deep toEqual of megabytes takes vitest seconds.
    expect(fs.readFileSync(priceDb).equals(garbage)).toBe(true);

    const r = await backup({ kind: 'restore', file: 'latest' });
    expect(r.code).toBe(0);
    const [price, whale, fallback] = r.doc.restore_latest.steps as JsonDoc[];
    expect(price).toMatchObject({ role: 'price', action: 'restored', why: expect.any(String) });
    expect(price!.restore.file).toMatch(/utxoracle_cache_\d{4}-\d\d-\d\d(-\d{6})?\.db$/);
    expect(whale).toMatchObject({ action: 'absent' });
    expect(fallback).toMatchObject({ role: 'fallback', action: 'opens' });
    // The corrupt file is kept, byte for byte, beside the restored one.
    const moved = price!.restore.corruptMovedTo as string;
    expect(moved).toMatch(new RegExp(`^${priceDb.replace(/[.]/g, '\\.')}\\.corrupt-\\d{8}T\\d{6}Z$`));
    expect(fs.readFileSync(moved).equals(garbage)).toBe(true);
    expect(await runIds()).toEqual(backedUp);

    // The next analyze run merges the fallback's row into the restored primary, and adds its own.
    const next = await e.run({ mode: 'recent' }, { env });
    expect(next.code).toBe(0);
    expect(await runIds()).toEqual([...backedUp, meanwhile.doc.run_id, next.doc.run_id].sort());
  });

  it('brings back a lost .env (mode 0600), and never replaces one that exists', async () => {
    fs.rmSync(envFile);
    const r = await backup({ kind: 'restore', file: 'latest' });
    expect(r.code).toBe(0);
    expect(r.doc.restore_latest.configRestoredFrom).toMatch(/utxoracle_env_.*\.env$/);
    expect(fs.readFileSync(envFile, 'utf8')).toBe(ENV_TEXT);
    expect(fs.statSync(envFile).mode & 0o777).toBe(0o600);
    fs.writeFileSync(envFile, ENV_TEXT + 'LOG_LEVEL=debug\n');
    const again = await backup({ kind: 'restore', file: 'latest' });
    expect(again.doc.restore_latest.configRestoredFrom).toBeNull();
    expect(fs.readFileSync(envFile, 'utf8')).toBe(ENV_TEXT + 'LOG_LEVEL=debug\n');
  });

  it('a corrupt database with no backup to restore from: exit 1, the file left where it is', async () => {
    const other = path.join(e.dataDir, 'empty-backups');
    fs.writeFileSync(priceDb + '.keep', fs.readFileSync(priceDb));
    fs.writeFileSync(priceDb, 'not a database');
    try {
      const r = await backup({ kind: 'restore', file: 'latest' }, { BACKUP_DIR: other });
      expect(r.code).toBe(1);
      expect(r.doc.error).toMatch(/does not open .* and .*empty-backups holds no price backup that verifies/);
      expect(fs.readFileSync(priceDb, 'utf8')).toBe('not a database');
    } finally {
      fs.renameSync(priceDb + '.keep', priceDb);
    }
  });

  it('a database another process holds is not taken for a corrupt one', async () => {
    const holder = await holdDatabase(priceDb, 20_000);
    try {
      const r = await backup({ kind: 'restore', file: 'latest' });
      expect(r.code).toBe(1);
      expect(r.doc.error).toMatch(/is held by another process \(a duckdb session\?\): close it first/);
      expect(fs.readdirSync(e.dataDir).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
    } finally {
      await holder.release();
    }
  });
});
