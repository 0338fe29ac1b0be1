import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { LockError } from '../../src/errors.js';
import { acquireJobLock, processStartTime } from '../../src/lock/jobLock.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));

describe('job lock', () => {
  it('a second holder in the same or another process gets LockError (exit 4)', async () => {
    const dir = tmp();
    const lock = acquireJobLock(dir, 'analyze');
    expect(() => acquireJobLock(dir, 'analyze')).toThrow(LockError);
    try {
      acquireJobLock(dir, 'analyze');
    } catch (e) {
      expect((e as LockError).exitCode).toBe(4);
      expect((e as LockError).holderPid).toBe(process.pid);
    }
    // Other jobs are independent.
    acquireJobLock(dir, 'backup').release();
    lock.release();
    acquireJobLock(dir, 'analyze').release();
  });

  it('a lock left by a process killed with SIGKILL does not block the next run', async () => {
    const dir = tmp();
    // A child takes the lock the same way (O_EXCL file with its pid and start time) and is killed.
    const child = execa(process.execPath, [
      '-e',
      `const fs=require('fs');const st=fs.readFileSync('/proc/self/stat','utf8');const start=st.slice(st.lastIndexOf(')')+2).split(' ')[19];
       fs.writeFileSync(${JSON.stringify(path.join(dir, 'analyze.lock'))}, JSON.stringify({pid:process.pid,start,job:'analyze',since:new Date().toISOString()}),{flag:'wx'});
       console.log('locked');setInterval(()=>{},1000);`,
    ]);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    expect(() => acquireJobLock(dir, 'analyze')).toThrow(LockError);
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    const lock = acquireJobLock(dir, 'analyze');
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });

  it('a recycled pid (same pid, other start time) is treated as stale', () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'backup.lock'),
      JSON.stringify({ pid: process.pid, start: '1', job: 'backup', since: 'then' }),
    );
    expect(processStartTime(process.pid)).not.toBe('1');
    const lock = acquireJobLock(dir, 'backup');
    lock.release();
  });

  it('an empty lock file (writer died between create and write) is stale once old', () => {
    const dir = tmp();
    const file = path.join(dir, 'archive.lock');
    fs.writeFileSync(file, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    acquireJobLock(dir, 'archive').release();
  });

  it('release never deletes a lock that another process now owns', () => {
    const dir = tmp();
    const lock = acquireJobLock(dir, 'analyze');
    fs.writeFileSync(lock.path, JSON.stringify({ pid: 1, start: null, job: 'analyze', since: 'x' }));
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(true);
  });
});
