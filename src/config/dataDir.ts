import { constants } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { withDeadline } from '../lib/deadline.js';

// Creating the data directory, safely. `mkdirSync(dir, { recursive: true })` on a path inside /proc
// (or /sys) loops forever at 100% CPU inside Node: mkdir answers ENOENT for a parent that exists, so
// the recursion never ends, and a synchronous loop never lets a SIGTERM handler run. A stale network
// mount instead blocks the calling thread in the kernel. So: look at the path first (the nearest
// existing ancestor must be a directory on a real filesystem), create the missing components one at a
// time (a bounded loop), with asynchronous calls (a blocked call holds a libuv thread, not the event
// loop), and give up on a deadline or when the run is aborted.

/** statfs f_type of kernel pseudo-filesystems that can never hold our files (linux/magic.h). */
const PSEUDO_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x42494e4d, 'binfmt_misc'],
  [0x65735543, 'fusectl'],
  [0x6e736673, 'nsfs'],
  [0x19800202, 'mqueue'],
]);

export interface PrepareOptions {
  /** Aborts the attempt (SIGTERM, the run's cap). */
  signal?: AbortSignal;
  /** Gives up after this long (a stale mount never answers). */
  timeoutMs?: number;
}

const fail = (setting: string, dir: string, why: string, cause?: unknown) =>
  new ConfigError(`${setting} ${JSON.stringify(dir)} cannot be created or written: ${why}`, setting, { cause });

async function createDir(dir: string, setting: string): Promise<void> {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    const st = await fsp.stat(at).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined; // look further up
      throw fail(setting, dir, `${at}: ${err.code ?? err.message}`, err);
    });
    if (st) {
      if (!st.isDirectory()) throw fail(setting, dir, `${at} is not a directory`);
      break;
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) throw fail(setting, dir, 'no part of the path exists');
    at = parent;
  }
  const fsType = PSEUDO_FS.get((await fsp.statfs(at)).type);
  if (fsType) throw fail(setting, dir, `${at} is on ${fsType}, a kernel pseudo-filesystem`);
  for (const d of missing.reverse()) {
    try {
      await fsp.mkdir(d, { mode: 0o750 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw fail(setting, dir, `mkdir ${d}: ${code ?? (err as Error).message}`, err);
    }
  }
  try {
    await fsp.access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw fail(setting, dir, `not writable by this user (${(err as NodeJS.ErrnoException).code})`, err);
  }
}

/** Makes sure `dir` exists and is writable; a ConfigError (exit 2) naming `setting` otherwise. */
export async function prepareDataDir(dir: string, setting: string, opts: PrepareOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  await withDeadline(
    createDir(dir, setting),
    timeoutMs,
    () => fail(setting, dir, `no answer from the filesystem in ${timeoutMs} ms`),
    opts.signal,
  );
}
