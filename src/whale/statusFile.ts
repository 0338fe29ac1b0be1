// whale-watch's status beside its heartbeat, for what the heartbeat cannot say: that the whale
// database refuses writes (a full disk, a read-only mount), when the heartbeat itself cannot be
// written. `<data>/whale-watch.status` is made once at start with a fixed size and then always
// rewritten in place at offset 0, so updating it needs no new disk blocks: it still works on the full
// disk it reports. health-check reads it (checks/whale.ts).
import fs from 'node:fs';
import path from 'node:path';

/** The file's fixed size: the JSON is padded with spaces to it. */
const SIZE = 4096;
export const STATUS_FILE = 'whale-watch.status';

export interface WhaleStatus {
  pid: number;
  run_id: string;
  updated_at: string;
  flush: {
    /** Since when flushes fail (null: the last one succeeded). */
    failing_since: string | null;
    last_error: string | null;
    /** Rows held in memory, waiting for the database. */
    pending_rows: number;
    /** Rows dropped because too many waited (none unless the outage is very long). */
    dropped_rows: number;
  };
  stopped: boolean;
}

export class StatusFile {
  private fd: number | undefined;

  constructor(readonly file: string) {}

  static in(dataDir: string): StatusFile {
    return new StatusFile(path.join(dataDir, STATUS_FILE));
  }

  /** Creates the file at its full size (while there is room, at start). A failure is left to write(). */
  open(): void {
    try {
      this.fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o640);
      if (fs.fstatSync(this.fd).size < SIZE) fs.writeSync(this.fd, Buffer.alloc(SIZE, 0x20), 0, SIZE, 0);
    } catch {
      this.close();
    }
  }

  /** Rewrites the status in place; false when it could not be written (never throws). */
  write(status: WhaleStatus): boolean {
    if (this.fd === undefined) return false;
    let json = JSON.stringify(status);
    if (json.length > SIZE - 1)
      json = JSON.stringify({
        ...status,
        flush: { ...status.flush, last_error: status.flush.last_error?.slice(0, 200) ?? null },
      });
    const buf = Buffer.alloc(SIZE, 0x20);
    buf.write(json, 0, 'utf8');
    buf[SIZE - 1] = 0x0a;
    try {
      fs.writeSync(this.fd, buf, 0, SIZE, 0);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The status as health-check reads it, or null when there is none (never ran, or unreadable). */
export function readStatus(dataDir: string): WhaleStatus | null {
  try {
    const text = fs.readFileSync(path.join(dataDir, STATUS_FILE), 'utf8').trim();
    const s = JSON.parse(text) as WhaleStatus;
    return typeof s?.updated_at === 'string' && typeof s.flush === 'object' ? s : null;
  } catch {
    return null;
  }
}
