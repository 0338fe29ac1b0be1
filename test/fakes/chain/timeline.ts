// Block header times: ~600 s apart (exponential, as mining is), covering one UTC day with margins,
// plus the midnight quirks the reference's window search must survive.
import type { Prng } from './prng.js';

export interface TimeQuirks {
  /** A block stamped exactly 00:00:00 at the day's start and at its end. */
  midnightExact?: boolean;
  /** Around both midnights, a block stamped before midnight AFTER one stamped after it. */
  outOfOrderAtMidnight?: boolean;
}

export const DAY = 86_400;
export const MEAN_INTERVAL = 600;

/** Unix seconds of 00:00 UTC of 'YYYY-MM-DD'; throws on anything else. */
export function dayStart(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`date must be YYYY-MM-DD, got "${date}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`no such date: ${date}`);
  return ms / 1000;
}

/** The next interval: exponential with mean 600 s, clipped so a gap never swallows a midnight quirk. */
export const nextInterval = (prng: Prng): number =>
  Math.round(Math.min(3600, Math.max(20, prng.exponential(MEAN_INTERVAL))));

/**
 * Times for `before` blocks ending just before `start`, every block of the day, and `after` blocks
 * stamped at or past the next midnight.
 */
export function planTimes(prng: Prng, start: number, before: number, after: number, quirks: TimeQuirks = {}): number[] {
  const end = start + DAY;
  const times: number[] = [];
  let t = start - before * MEAN_INTERVAL - prng.int(0, MEAN_INTERVAL);
  let pastEnd = 0;
  for (;;) {
    t += nextInterval(prng);
    if (t >= end && pastEnd >= after) break;
    times.push(t);
    if (t >= end) pastEnd++;
  }
  for (const midnight of [start, end]) applyQuirks(times, midnight, quirks, prng);
  return times;
}

function applyQuirks(times: number[], midnight: number, quirks: TimeQuirks, prng: Prng): void {
  const first = times.findIndex((t) => t >= midnight);
  if (first <= 0 || first + 2 >= times.length) return;
  if (quirks.outOfOrderAtMidnight) {
    // ... 23:5x, 00:0x, 23:5y (out of order), 00:1x ...
    times[first - 1] = midnight - prng.int(300, 500);
    times[first] = midnight + prng.int(60, 240);
    times[first + 1] = midnight - prng.int(30, 200);
    times[first + 2] = Math.max(times[first + 2]!, midnight + prng.int(400, 700));
  }
  if (quirks.midnightExact) {
    // The first block at/after midnight (after any reordering) is stamped 00:00:00 exactly.
    const idx = quirks.outOfOrderAtMidnight ? first + 2 : first;
    times[idx] = midnight;
    if (quirks.outOfOrderAtMidnight) times[first] = midnight + prng.int(60, 240);
  }
}
