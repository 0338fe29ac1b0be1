import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import {
  inTransaction,
  queryValue,
  releaseSharedDatabases,
  withDatabase,
  withSharedDatabases,
} from '../../src/store/duckdb.js';
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
    log.warn = (obj: unknown, msg?: string) => {
      lines.push(String(msg));
      return origWarn(obj as object, msg);
    };
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
    const err = await withDatabase(db, async () => 1, { retries: 2, minRetryMs: 50, maxRetryMs: 50 }).catch(
      (e: unknown) => e,
    );
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

describe('withSharedDatabases', () => {
  it('reuses one open for back-to-back uses and closes it when the scope ends', async () => {
    const db = tmpDb();
    const conns = new Set<unknown>();
    await withSharedDatabases(async () => {
      await withDatabase(db, async (c) => (conns.add(c), c.run('CREATE TABLE t (x INTEGER)')));
      await withDatabase(db, async (c) => (conns.add(c), c.run('INSERT INTO t VALUES (1)')));
      // A read-only use is served by the writable handle the scope holds.
      expect(
        await withDatabase(db, async (c) => (conns.add(c), queryValue(c, 'SELECT count(*) FROM t')), {
          readOnly: true,
        }),
      ).toBe(1n);
    });
    expect(conns.size).toBe(1);
    // Closed: another process can take the file at once.
    const holder = await holdDatabase(db, 50);
    await holder.exited;
  });

  it('release closes the held database (another process can open it) and the next use reopens', async () => {
    const db = tmpDb();
    await withSharedDatabases(async () => {
      await withDatabase(db, (c) => c.run('CREATE TABLE t (x INTEGER)'));
      releaseSharedDatabases();
      const holder = await holdDatabase(db, 50);
      await holder.exited;
      await withDatabase(db, (c) => c.run('INSERT INTO t VALUES (2)'), { retries: 20, maxRetryMs: 100 });
    });
    expect(await withDatabase(db, (c) => queryValue(c, 'SELECT sum(x) FROM t'))).toBe(2n);
  });

  it('a failed use drops the held handle; the next use opens afresh', async () => {
    const db = tmpDb();
    const conns: unknown[] = [];
    await withSharedDatabases(async () => {
      await withDatabase(db, async (c) => (conns.push(c), c.run('CREATE TABLE t (x INTEGER)')));
      await expect(
        withDatabase(db, async (c) => (conns.push(c), c.run('SELECT * FROM missing_table'))),
      ).rejects.toThrow(/missing_table/);
      await withDatabase(db, async (c) => (conns.push(c), c.run('INSERT INTO t VALUES (3)')));
    });
    expect(conns[0]).toBe(conns[1]);
    expect(conns[2]).not.toBe(conns[1]);
    expect(await withDatabase(db, (c) => queryValue(c, 'SELECT sum(x) FROM t'))).toBe(3n);
  });
});
