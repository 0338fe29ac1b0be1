import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockHolders, maskCommand } from '../../src/store/lockHolders.js';
import { holdDatabase } from '../helpers/holdDb.js';

describe('lockHolders', () => {
  it('finds the process holding a DuckDB file through /proc/locks, with its command line', async () => {
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'holders-')), 'x.db');
    const holder = await holdDatabase(db, 30_000);
    try {
      const found = lockHolders(db);
      expect(found.map((h) => h.pid)).toEqual([holder.pid]);
      expect(found[0]!.command).toMatch(/--input-type=module -e/);
    } finally {
      await holder.release();
    }
    expect(lockHolders(db)).toEqual([]);
  });

  it('reads the Linux /proc/locks format: POSIX holders only, matched by device and inode', () => {
    const file = fs.mkdtempSync(path.join(os.tmpdir(), 'holders-')) + '/f';
    fs.writeFileSync(file, 'x');
    const st = fs.statSync(file);
    const major = Number((BigInt(st.dev) >> 8n) & 0xfffn);
    const minor = Number(BigInt(st.dev) & 0xffn);
    const id = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${st.ino}`;
    const text = [
      `1: POSIX  ADVISORY  WRITE 4242 ${id} 0 EOF`,
      `1: -> POSIX  ADVISORY  WRITE 4343 ${id} 0 EOF`, // a waiter holds nothing
      `2: FLOCK  ADVISORY  WRITE 4444 ${id} 0 EOF`,
      `3: POSIX  ADVISORY  WRITE 4545 ${id.replace(/:\d+$/, ':1')} 0 EOF`, // another inode
    ].join('\n');
    expect(lockHolders(file, text).map((h) => h.pid)).toEqual([4242]);
  });
});

describe('maskCommand', () => {
  it.each([
    [['duckdb', '/var/lib/utxoracle/utxoracle_cache.db'], 'duckdb /var/lib/utxoracle/utxoracle_cache.db'],
    [['tool', '--password=hunter2', 'x.db'], 'tool --password=*** x.db'],
    [['tool', '-rpcpassword', 'hunter2', 'x.db'], 'tool -rpcpassword *** x.db'],
    [['tool', '--api-token', 'abc'], 'tool --api-token ***'],
    [['curl', 'http://user:hunter2@host/x'], 'curl http://***@host/x'],
    [['env', 'PASSWORD=hunter2', 'cmd'], 'env PASSWORD=*** cmd'],
  ])('%j', (argv, shown) => {
    expect(maskCommand(argv)).toBe(shown);
    expect(maskCommand(argv)).not.toContain('hunter2');
  });
});
