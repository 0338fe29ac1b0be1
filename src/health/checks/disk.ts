import fs from 'node:fs';
import { grade, humanBytes } from '../grade.js';
import type { CheckOutcome, Threshold } from '../types.js';

export interface DiskThresholds {
  diskWarnPct: number;
  diskCritPct: number;
}

export interface FsUsage {
  usedBytes: number;
  availBytes: number;
  /** Used share as `df` computes it: used / (used + available to unprivileged users). */
  ratio: number;
}

/** Filesystem use of a directory, the way `df` reports it (reserved blocks count as unavailable). */
export async function fsUsage(dir: string): Promise<FsUsage> {
  const s = await fs.promises.statfs(dir);
  const used = (s.blocks - s.bfree) * s.bsize;
  const avail = s.bavail * s.bsize;
  return { usedBytes: used, availBytes: avail, ratio: used + avail > 0 ? used / (used + avail) : 0 };
}

/** Disk use of the data directory's filesystem: DuckDB, backups and archives all live there. */
export async function checkDisk(
  dir: string,
  t: DiskThresholds,
  usage: (d: string) => Promise<FsUsage> = fsUsage,
): Promise<CheckOutcome> {
  const threshold: Threshold = { op: '>', warn: t.diskWarnPct / 100, crit: t.diskCritPct / 100, unit: 'ratio' };
  const u = await usage(dir);
  return {
    state: grade(u.ratio, threshold),
    figure: u.ratio,
    unit: 'ratio',
    threshold,
    message: `${(u.ratio * 100).toFixed(1)}% used, ${humanBytes(u.availBytes)} free`,
    metrics: [
      { name: 'utxoracle_disk_used_ratio', help: "Used share of the data directory's filesystem.", value: u.ratio },
      {
        name: 'utxoracle_disk_available_bytes',
        help: "Bytes available on the data directory's filesystem.",
        value: u.availBytes,
      },
    ],
    details: { path: dir, used_bytes: u.usedBytes, available_bytes: u.availBytes },
  };
}
