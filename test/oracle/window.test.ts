import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/errors.js';
import {
  dateWindow,
  heightsOf,
  parseUtcDate,
  recentWindow,
  roundHalfEven,
  utcDayOfMonth,
} from '../../src/oracle/window.js';

describe('roundHalfEven (Python round)', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [-0.5, 0],
    [-1.5, -2],
    [-2.5, -2],
    [2.4999999999999996, 2],
    [2.5000000000000004, 3],
    [-2.6, -3],
    [7, 7],
    [1e15 + 0.5, 1e15],
    [(144 * 300) / 86400, 0],
    [(144 * 900) / 86400, 2],
  ])('round(%d) = %d', (x, want) => {
    expect(roundHalfEven(x)).toBe(want);
  });
  it.each([[NaN], [Infinity]])('round(%d) throws', (x) => {
    expect(() => roundHalfEven(x)).toThrow(RangeError);
  });
});

describe('recent window', () => {
  it('is tip-144 .. tip-1', () => {
    const w = recentWindow(840_000);
    expect(w).toEqual({ firstHeight: 839_856, lastHeight: 839_999 });
    expect(heightsOf(w)).toHaveLength(144);
  });
  it('needs a tip of at least 144', () => {
    expect(() => recentWindow(100)).toThrow(DataError);
  });
});

describe('dates', () => {
  it.each([
    ['2024-01-10', 1704844800],
    ['2024-02-29', 1709164800],
  ])('%s is %d', (d, s) => {
    expect(parseUtcDate(d)).toBe(s);
  });
  it.each([['2024-02-30'], ['2024-1-10'], ['10/01/2024'], ['']])('"%s" is a ConfigError', (d) => {
    expect(() => parseUtcDate(d)).toThrow(ConfigError);
  });
  it('day of month is UTC', () => {
    expect(utcDayOfMonth(1704844800)).toBe(10);
    expect(utcDayOfMonth(1704844799)).toBe(9);
  });
});

// A fake chain: block h0+i stamped t0 + i*spacing, with some stamps overridden (seconds from D).
const D = 1704844800; // 2024-01-10 00:00:00 UTC
const H0 = 820_000;
const T0 = D - 3 * 86400 + 123;
function chain(spacing: number, over: Record<number, number>) {
  const reads: number[] = [];
  const timeAt = async (h: number): Promise<number> => {
    reads.push(h - H0);
    const i = h - H0;
    if (i < 0 || i > 1000) throw new Error(`no block ${h}`);
    return i in over ? D + over[i]! : T0 + i * spacing;
  };
  return { reads, timeAt };
}

// Expected windows and read orders: CPython running the reference's own search (UTXOracle.py v9.1,
// from `def get_day_of_month` to the end of step 4, get_block_time reading this same table).
// Heights are relative to H0; `reads` are its first reads after time(tip - 6), `n` their count.
const CASES: Array<
  [
    name: string,
    tip: number,
    spacing: number,
    over: Record<number, number>,
    first: number,
    last: number,
    reads: number[],
    n: number,
  ]
> = [
  ['regular spacing, far tip', 1000, 600, {}, 432, 575, [432, 431, 432, 432, 433, 434, 435, 436], 148],
  ['regular spacing, near tip', 600, 600, {}, 432, 575, [432, 431, 432, 432, 433, 434, 435, 436], 148],
  [
    'out-of-order stamps around both midnights',
    1000,
    600,
    { 430: 50, 431: -10, 432: 123, 433: -5, 575: 86430, 576: 86399 },
    432,
    432,
    [432, 431, 432, 432, 433],
    5,
  ],
  [
    'a late stamp before midnight moves the start',
    1000,
    600,
    { 430: -10, 431: 50 },
    431,
    575,
    [432, 431, 430, 431, 431, 432, 433, 434],
    150,
  ],
  ['a block stamped exactly 00:00:00', 1000, 600, { 432: 0 }, 432, 575, [432, 432, 432, 433, 434, 435, 436, 437], 147],
  [
    'a later block stamped 00:00:00 stays in the day',
    1000,
    600,
    { 434: 0 },
    432,
    575,
    [432, 431, 432, 432, 433, 434, 435, 436],
    148,
  ],
  [
    'a stamp before midnight after the first of the day ends it',
    1000,
    600,
    { 434: -20, 435: -1 },
    432,
    433,
    [432, 431, 432, 432, 433, 434],
    6,
  ],
  [
    'fast blocks (450 s): jumps back, then walks down',
    1000,
    450,
    {},
    576,
    767,
    [680, 602, 582, 581, 580, 579, 578, 577],
    204,
  ],
  [
    'slow blocks (750 s): lands early, walks up',
    1000,
    750,
    {},
    346,
    460,
    [183, 184, 185, 186, 187, 188, 189, 190],
    281,
  ],
  [
    'jumps 10, 8, 10: stops on the repeat',
    1000,
    600,
    { 994: 307200, 482: 6000, 472: 4800, 464: 6000 },
    432,
    575,
    [482, 472, 464, 463, 462, 461, 460, 459],
    182,
  ],
];

describe('date window: the reference search, step by step', () => {
  it.each(CASES)('%s', async (_name, tip, spacing, over, first, last, reads, n) => {
    const c = chain(spacing, over);
    const w = await dateWindow('2024-01-10', H0 + tip, c.timeAt);
    expect(w).toEqual({ firstHeight: H0 + first, lastHeight: H0 + last });
    expect(c.reads[0]).toBe(tip - 6);
    expect(c.reads.slice(1, 9)).toEqual(reads);
    expect(c.reads.length).toBe(n + 1);
  });

  it.each([
    ['before 2023-12-15', '2023-12-14', ConfigError, /before 2023-12-15/],
    ['malformed', '2024-13-01', ConfigError, /YYYY-MM-DD/],
    // time(tip-6) = T0 + 594*600 = 2024-01-11 03:02:03: its midnight is 2024-01-11, so that date and later are refused
    [
      'not finished yet',
      '2024-01-11',
      DataError,
      /is after this node's tip: its chain does not reach 6 blocks past the day yet/,
    ],
    ['in the future', '2030-01-01', DataError, /is after this node's tip/],
  ])('%s is an error', async (_name, date, cls, msg) => {
    const c = chain(600, {});
    await expect(dateWindow(date, H0 + 600, c.timeAt)).rejects.toThrow(cls);
    await expect(dateWindow(date, H0 + 600, c.timeAt)).rejects.toThrow(msg);
  });

  it('a search that leaves the chain is a DataError, not a crash or an endless loop', async () => {
    // a short chain whose tip-6 is three days past the date: the estimate falls below height 0
    const timeAt = async (h: number) => (h >= 50 ? D + 1000 + h : D + 5);
    await expect(dateWindow('2024-01-10', 20, async (h) => (h === 14 ? D + 86400 * 3 : timeAt(h)))).rejects.toThrow(
      DataError,
    );
  });
});
