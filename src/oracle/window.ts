// Which blocks make a window (oracle.md §1). Header times are not monotonic, so date mode must
// make exactly the reference's search, step by step, to land on the same first and last block.

import { ConfigError, DataError, SourceError } from '../errors.js';

const DAY_SECONDS = 86400;
const BLOCKS_PER_DAY = 144;
/** Date mode reads the time of tip - 6: the window needs a few blocks past the day's end. */
const CONFIRMATIONS = 6;
/** The reference refuses dates before 2023-12-15 (its tested range). */
export const EARLIEST_DATE = '2023-12-15';
const EARLIEST_SECONDS = Date.UTC(2023, 11, 15) / 1000;
/** Bitcoin Core's RPC_INVALID_PARAMETER, what getblockhash answers for a height it has no block at. */
const RPC_INVALID_PARAMETER = -8;

export type TimeAt = (height: number) => Promise<number>;

/**
 * A date the node cannot price because its chain does not reach back to it: the search needs a
 * block the node does not serve (or one below height 0). Waiting for more blocks does not help.
 */
export class UnservedDateError extends DataError {}

/** A date the chain has not finished yet: it does not reach 6 blocks past the day. More blocks will. */
export class UnfinishedDateError extends DataError {}

export interface BlockWindow {
  /** Inclusive. */
  firstHeight: number;
  /** Inclusive. */
  lastHeight: number;
}

export function heightsOf(w: BlockWindow): number[] {
  return Array.from({ length: w.lastHeight - w.firstHeight + 1 }, (_, i) => w.firstHeight + i);
}

/** Recent mode: the 144 blocks tip-144 .. tip-1 (the tip itself is left out, as in the reference). */
export function recentWindow(tip: number): BlockWindow {
  if (!Number.isSafeInteger(tip) || tip < BLOCKS_PER_DAY)
    throw new DataError(`chain tip ${tip} is too low for a ${BLOCKS_PER_DAY}-block window`);
  return { firstHeight: tip - BLOCKS_PER_DAY, lastHeight: tip - 1 };
}

/** Python's round() of a double to an integer: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x}`);
  const f = Math.floor(x);
  const frac = x - f; // exact for doubles
  if (frac < 0.5) return f;
  if (frac > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** UTC day of month, 1..31. */
export function utcDayOfMonth(unixSeconds: number): number {
  return new Date(unixSeconds * 1000).getUTCDate();
}

function utcMidnight(unixSeconds: number): number {
  return Math.floor(unixSeconds / DAY_SECONDS) * DAY_SECONDS;
}

/** `YYYY-MM-DD` to the Unix seconds of that UTC midnight; ConfigError when malformed. */
export function parseUtcDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new ConfigError(`date must be a real day written YYYY-MM-DD, got "${date}"`, 'date');
  }
  return ms / 1000;
}

/** Blocks between an integer seconds difference and the reference's round(144 * s / 86400). */
function blocksFor(seconds: number): number {
  return roundHalfEven((BLOCKS_PER_DAY * seconds) / DAY_SECONDS);
}

/**
 * Date mode (oracle.md §1): the blocks whose times fall on `date` (UTC), found the way the
 * reference finds them. `timeAt` gives a block's header time; it is awaited one call at a time,
 * in the reference's order, so a caching source sees the same reads.
 */
export async function dateWindow(date: string, tip: number, timeAt: TimeAt): Promise<BlockWindow> {
  const D = parseUtcDate(date);
  // Every read is bounds-checked: odd timestamps must give an error, never an endless walk.
  const read = async (height: number): Promise<number> => {
    if (Number.isSafeInteger(height) && height < 0) {
      throw new UnservedDateError(`${date} is before this chain's first block: its search went below height 0`);
    }
    if (!Number.isSafeInteger(height) || height > tip) {
      throw new DataError(`searching blocks for ${date} went to height ${height}, outside 0..${tip}`);
    }
    const time = await timeAt(height).catch((err: unknown) => {
      // Core answers -8 "Block height out of range" for a height it has no block for; below the tip
      // that is a node serving a chain that starts later than the date.
      if (err instanceof SourceError && err.details.code === RPC_INVALID_PARAMETER) {
        throw new UnservedDateError(
          `${date} is before the first block this node serves (it has no block at height ${height})`,
          undefined,
          { cause: err },
        );
      }
      throw err;
    });
    if (!Number.isSafeInteger(time)) throw new DataError(`block ${height} has time ${time}, not whole Unix seconds`);
    return time;
  };
  if (D < EARLIEST_SECONDS)
    throw new ConfigError(
      `date ${date} is before ${EARLIEST_DATE}, the earliest the UTXOracle reference supports`,
      'date',
    );
  const c = tip - CONFIRMATIONS;
  const T = await read(c);
  const M = utcMidnight(T);
  if (D >= M) {
    throw new UnfinishedDateError(
      `${date} is after this node's tip: its chain does not reach ${CONFIRMATIONS} blocks past the day yet ` +
        `(block ${c}, tip - ${CONFIRMATIONS}, is stamped ${new Date(T * 1000).toISOString()}, and the date must ` +
        `end before that block's day starts)`,
    );
  }

  // 2. first estimate from the time of tip - 6
  let h = c - blocksFor(T - D);
  let t = await read(h);
  let jump = blocksFor(t - D);
  // 3. jump back until within 6 blocks or oscillating (the same jump as two steps ago)
  let last = 0;
  let lastLast = 0;
  while (jump > CONFIRMATIONS && jump !== lastLast) {
    lastLast = last;
    last = jump;
    h -= jump;
    t = await read(h);
    jump = blocksFor(t - D);
  }
  // 4. single steps to the first block stamped at or after midnight, as the reference walks them
  if (t > D) {
    while (t > D) {
      h -= 1;
      t = await read(h);
    }
    h += 1;
  } else if (t < D) {
    while (t < D) {
      h += 1;
      t = await read(h);
    }
  }
  // 5. from h, while the day of month stays that of time(h) (the day number only, as the reference)
  const day = utcDayOfMonth(await read(h));
  let end = h;
  while (utcDayOfMonth(await read(end)) === day) end += 1;
  return { firstHeight: h, lastHeight: end - 1 };
}
