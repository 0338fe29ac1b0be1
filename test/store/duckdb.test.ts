import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { inTransaction, queryValue, withDatabase } from '../../src/store/duckdb.js';
import { holdDatabase } from '../helpers/holdDb.js';

const tmpDb = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duck-')), 'x.db');

describe('withDatabase', () => {
  it('retries while another process holds the file and succeeds once it is released', async () => {
    const db = tmpDb();
    await withDatabase(db, (c) => c.run('CREATE TABLE t (x INTEGER)'));
    const holder = await holdDatabase(db, 1_500);
    const lines: string[] = [];
    const log = createLogger({ job: 'test', run: 'r', fd: 2 });
    const origWarn = log.warn.bind(log);
    log.warn = ((obj: unknown, msg?: string) => {
      lines.push(String(msg));
      return origWarn(obj as object, msg);
    }) as typeof log.warn;
    const t0 = Date.now();
    await withDatabase(db, (c) => c.run('INSERT INTO t VALUES (1)'), { logger: log, retries: 30, maxRetryMs: 300 });
    expect(Date.now() - t0).toBeGreaterThan(500); // it did wait for the holder
    expect(lines.some((l) => l.includes('database busy'))).toBe(true);
    await holder.exited;
    expect(await withDatabase(db, (c) => queryValue(c, 'SELECT count(*) FROM t'))).toBe(1n);
  });

  it('gives a StoreError naming the file when the holder does not let go', async () => {
    const db = tmpDb();
    await withDatabase(db, (c) => c.run('CREATE TABLE t (x INTEGER)'));
    const holder = await holdDatabase(db, 3_000);
    const err = await withDatabase(db, async () => 1, { retries: 2, minRetryMs: 50, maxRetryMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain(db);
    expect((err as Error).message).toContain('another process holds it');
    await holder.release();
  });

  it('read-only open of a missing database is a clear error, not a new empty file', async () => {
    const db = tmpDb();
    await expect(withDatabase(db, async () => 1, { readOnly: true })).rejects.toThrow(/does not exist \(run init-db\)/);
    expect(fs.existsSync(db)).toBe(false);
  });

  it('inTransaction rolls back on error', async () => {
    const db = tmpDb();
    await withDatabase(db, async (c) => {
      await c.run('CREATE TABLE t (x INTEGER)');
      await expect(
        inTransaction(c, async () => {
          await c.run('INSERT INTO t VALUES (1)');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await queryValue(c, 'SELECT count(*) FROM t')).toBe(0n);
    });
  });
});
