import fs from 'node:fs';
import path from 'node:path';
import { LockError } from '../errors.js';

/**
 * One instance per job: a lock file created with O_EXCL under the data directory, holding the
 * owner's pid and its kernel start time. A run killed with SIGKILL leaves the file behind; the next
 * run sees that the pid is gone (or now belongs to another process started later) and takes over.
 */
export interface JobLock {
  readonly path: string;
  release(): void;
}

interface Holder {
  pid: number;
  start: string | null;
  job: string;
  since: string;
}

/** The process start time in clock ticks since boot (Linux /proc); null where unavailable. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the parenthesised command name, which may itself contain spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: Holder): boolean {
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const now = processStartTime(holder.pid);
  // A recycled pid has a different start time: the original holder is dead.
  return holder.start === null || now === null || now === holder.start;
}

function readHolder(file: string): Holder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    return null; // empty or torn file: its writer died between create and write
  }
}

export function acquireJobLock(lockDir: string, job: string): JobLock {
  fs.mkdirSync(lockDir, { recursive: true, mode: 0o750 });
  const file = path.join(lockDir, `${job}.lock`);
  const me: Holder = { pid: process.pid, start: processStartTime(process.pid), job, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o640);
      fs.writeSync(fd, JSON.stringify(me));
      fs.closeSync(fd);
      let released = false;
      return {
        path: file,
        release() {
          if (released) return;
          released = true;
          const h = readHolder(file);
          if (h && h.pid === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(file);
    if (holder && isAlive(holder)) {
      throw new LockError(
        `another ${job} is running (pid ${holder.pid} since ${holder.since}); lock ${file}`,
        holder.pid,
      );
    }
    if (!holder) {
      // Give a concurrent creator a moment to finish writing before calling the file stale.
      const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Number.NaN);
      if (!(age > 2_000)) {
        if (attempt < 2) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
          continue;
        }
        throw new LockError(`another ${job} is starting; lock ${file}`);
      }
    }
    // Stale: rename away first so two racing runs cannot both delete-and-create.
    const stale = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, stale);
    } catch {
      continue; // someone else cleaned it; retry the create
    }
    const moved = readHolder(stale);
    if (moved && holder && (moved.pid !== holder.pid || moved.since !== holder.since)) {
      // A racing run replaced the stale lock between our read and our rename: put its lock back.
      try {
        fs.linkSync(stale, file);
      } catch {
        /* a third run holds it now; either way it is not ours */
      }
      fs.rmSync(stale, { force: true });
      throw new LockError(`another ${job} just took the lock ${file}`, moved.pid);
    }
    fs.rmSync(stale, { force: true });
  }
  throw new LockError(`could not take the ${job} lock ${file}`);
}
