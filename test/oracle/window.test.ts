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
import { CASES, D, H0, chain } from './windowCases.js';

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
