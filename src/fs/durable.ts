import fs from 'node:fs';
import path from 'node:path';

// rename() is atomic, but only durable once the file's bytes and the directory entry are on disk:
// fsync the file before naming it, and its directory after.

export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* some filesystems refuse fsync on a directory; the rename is still atomic */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Names `tmp` as `final` without ever replacing an existing file: link() fails with EEXIST where
 * rename() would silently overwrite. Returns false when `final` is taken.
 */
export function publishNoClobber(tmp: string, final: string): boolean {
  try {
    fs.linkSync(tmp, final);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  fs.rmSync(tmp, { force: true });
  fsyncDir(path.dirname(final));
  return true;
}

export function fileSize(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

/** A DuckDB file and its write-ahead log, which belongs to it. */
export function dbFileSize(file: string): number {
  return fileSize(file) + fileSize(`${file}.wal`);
}
