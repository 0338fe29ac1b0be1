// Reference windows for the date search, shared by the window's tests and the header index's.
// A fake chain: block h0+i stamped t0 + i*spacing, with some stamps overridden (seconds from D).
export const D = 1704844800; // 2024-01-10 00:00:00 UTC
export const H0 = 820_000;
export const T0 = D - 3 * 86400 + 123;
/** Header time of block H0 + i in a table chain. */
export function timeOf(i: number, spacing: number, over: Record<number, number>): number {
  return i in over ? D + over[i]! : T0 + i * spacing;
}

export function chain(spacing: number, over: Record<number, number>) {
  const reads: number[] = [];
  const timeAt = async (h: number): Promise<number> => {
    reads.push(h - H0);
    const i = h - H0;
    if (i < 0 || i > 1000) throw new Error(`no block ${h}`);
    return timeOf(i, spacing, over);
  };
  return { reads, timeAt };
}

// Expected windows and read orders: CPython running the reference's own search (UTXOracle.py v9.1,
// from `def get_day_of_month` to the end of step 4, get_block_time reading this same table).
// Heights are relative to H0; `reads` are its first reads after time(tip - 6), `n` their count.
export const CASES: Array<
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
