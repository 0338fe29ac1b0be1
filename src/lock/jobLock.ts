import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LockError, StoreError } from '../errors.js';

/**
 * One instance per job: a lock file under the data directory holding the owner's pid and its
 * kernel start time. It is taken atomically: the holder is written to a temporary file first and
 * then hard-linked into place (link fails with EEXIST while someone holds it), so a lock file is
 * never empty or half-written — not after a full disk, not after a SIGKILL between create and write.
 * A run killed with SIGKILL leaves the file behind; the next run sees that the pid is gone, is a
 * zombie not yet reaped, or now belongs to another process started later, and takes over.
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

/** Fields of /proc/<pid>/stat after the parenthesised command name (which may hold spaces). */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The process start time in clock ticks since boot (Linux /proc); null where unavailable. */
export function processStartTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null; // field 22
}

function isAlive(holder: Holder): boolean {
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const fields = statFields(holder.pid);
  // A killed holder stays a zombie until its parent reaps it (PID 1 in a container can take seconds),
  // and kill(pid, 0) succeeds on a zombie: it holds nothing (state Z, or X while being reaped).
  if (fields && (fields[0] === 'Z' || fields[0] === 'X')) return false;
  const now = fields?.[19] ?? null;
  // A recycled pid has a different start time: the original holder is dead.
  return holder.start === null || now === null || now === holder.start;
}

function readHolder(file: string): Holder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    return null; // absent, or not ours: an empty or torn file from an older version, never one of ours
  }
}

const cause = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** The holder written in full to a temporary name beside the lock; linking it in is the atomic step. */
function writeCandidate(file: string, me: Holder): string {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(me), { flag: 'wx', mode: 0o640 });
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new StoreError(`cannot take the ${me.job} lock ${file}: ${cause(err)}`, file, { cause: err });
  }
  return tmp;
}

export function acquireJobLock(lockDir: string, job: string): JobLock {
  const file = path.join(lockDir, `${job}.lock`);
  try {
    fs.mkdirSync(lockDir, { recursive: true, mode: 0o750 });
  } catch (err) {
    throw new StoreError(`cannot take the ${job} lock ${file}: ${cause(err)}`, file, { cause: err });
  }
  const me: Holder = { pid: process.pid, start: processStartTime(process.pid), job, since: new Date().toISOString() };
  const tmp = writeCandidate(file, me);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return heldLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new StoreError(`cannot take the ${job} lock ${file}: ${cause(err)}`, file, { cause: err });
        }
      }
      const holder = readHolder(file);
      if (holder && isAlive(holder)) {
        throw new LockError(
          `another ${job} is running (pid ${holder.pid} since ${holder.since}); lock ${file}`,
          holder.pid,
        );
      }
      removeStale(file, holder, job);
    }
    throw new LockError(`could not take the ${job} lock ${file}`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function heldLock(file: string): JobLock {
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
}

/** Moves a dead holder's lock away (renamed first, so two racing runs cannot both delete-and-create). */
function removeStale(file: string, holder: Holder | null, job: string): void {
  const stale = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, stale);
  } catch {
    return; // someone else cleaned it; retry the link
  }
  const moved = readHolder(stale);
  if (moved && (!holder || moved.pid !== holder.pid || moved.since !== holder.since)) {
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
