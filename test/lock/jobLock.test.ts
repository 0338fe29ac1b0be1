import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { LockError, StoreError } from '../../src/errors.js';
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

  it('an empty lock file (left by an older version killed between create and write) is stale at once', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'archive.lock'), '');
    acquireJobLock(dir, 'archive').release();
  });

  it('the lock file appears whole or not at all: it is linked into place from a finished temp file', () => {
    const dir = tmp();
    const lock = acquireJobLock(dir, 'analyze');
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, job: 'analyze' });
    expect(fs.readdirSync(dir)).toEqual(['analyze.lock']); // no temp file left behind
    lock.release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('release never deletes a lock that another process now owns', () => {
    const dir = tmp();
    const lock = acquireJobLock(dir, 'analyze');
    fs.writeFileSync(lock.path, JSON.stringify({ pid: 1, start: null, job: 'analyze', since: 'x' }));
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(true);
  });
});

const isRoot = process.getuid?.() === 0;

describe('job lock on a full disk', () => {
  // A real full filesystem: a 64 KiB tmpfs filled to the last block (needs root to mount).
  it.skipIf(!isRoot)(
    'is one line naming the lock and ENOSPC, leaves no empty lock, and the next run works',
    async () => {
      const mnt = tmp();
      await execa('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
      try {
        const locks = path.join(mnt, 'locks');
        fs.mkdirSync(locks);
        await execa('dd', ['if=/dev/zero', `of=${path.join(mnt, 'fill')}`, 'bs=4k', 'count=64'], { reject: false });
        let err: unknown;
        try {
          acquireJobLock(locks, 'analyze');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(StoreError);
        expect((err as StoreError).exitCode).toBe(1);
        expect((err as Error).message).toBe(`cannot take the analyze lock ${path.join(locks, 'analyze.lock')}: ENOSPC`);
        expect(fs.readdirSync(locks)).toEqual([]); // no empty lock that would block the next run
        fs.rmSync(path.join(mnt, 'fill'));
        acquireJobLock(locks, 'analyze').release();
      } finally {
        await execa('umount', [mnt], { reject: false });
      }
    },
  );
});

describe('job lock held by a zombie', () => {
  // kill(pid, 0) succeeds on a zombie: a holder killed but not yet reaped (PID 1 in a container reaps
  // slowly) must not block the next run. The parent here forks the holder and never waits for it.
  it('a killed holder its parent has not reaped holds nothing', async () => {
    const dir = tmp();
    const file = path.join(dir, 'archive.lock');
    const parent = execa(
      'python3',
      [
        '-c',
        `import os, sys, time
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)'])
print(pid, flush=True)
time.sleep(60)`,
      ],
      { reject: false },
    );
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d)))));
      fs.writeFileSync(file, JSON.stringify({ pid, start: processStartTime(pid), job: 'archive', since: 'then' }));
      expect(() => acquireJobLock(dir, 'archive')).toThrow(LockError); // alive: it holds the lock
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).toContain(') Z '); // a zombie, still in the table
      const lock = acquireJobLock(dir, 'archive');
      expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
      lock.release();
    } finally {
      parent.kill('SIGKILL');
      await parent;
    }
  });
});
