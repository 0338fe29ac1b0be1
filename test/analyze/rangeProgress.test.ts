// Range mode's progress line: days done, the rate and the time left from the run's clock, redrawn
// in place; a log line is printed above it (the line cleared first, drawn again after), never
// over it.
import { describe, expect, it } from 'vitest';
import { RangeProgress, duration } from '../../src/analyze/rangeProgress.js';

const CLEAR = '\r\x1b[K';

function progress() {
  const out: string[] = [];
  let now = 0;
  const p = new RangeProgress({ out: (t) => out.push(t), now: () => now });
  return { p, out, tick: (ms: number) => (now += ms) };
}

describe('RangeProgress', () => {
  it('shows days done, days per minute and the time left', () => {
    const { p, out, tick } = progress();
    p.start(10);
    expect(out.at(-1)).toBe(`${CLEAR}[........................] 0/10 days`);
    tick(30_000);
    p.day('2025-05-01');
    tick(30_000);
    p.day('2025-05-02');
    // 2 days in a minute: 8 left take 4 minutes.
    expect(out.at(-1)).toBe(`${CLEAR}[#####...................] 2/10 days, 2.0 days/min, 4m00s left (2025-05-02)`);
  });

  it('prints a log line above the progress line and draws the line again below it', () => {
    const { p, out, tick } = progress();
    p.start(4);
    tick(60_000);
    p.day('2025-05-01');
    const line = p.line();
    p.print('{"level":30,"msg":"blocks: 144 from the node, 0 from the cache"}\n');
    expect(out.at(-1)).toBe(`${CLEAR}{"level":30,"msg":"blocks: 144 from the node, 0 from the cache"}\n${line}`);
    p.finish();
    expect(out.at(-1)).toBe(`${CLEAR}${line}\n`);
    p.print('after\n'); // once finished, lines go out as they are
    expect(out.at(-1)).toBe('after\n');
  });

  it.each([
    [0, '0s'],
    [0.75, '45s'],
    [2.0833, '2m05s'],
    [187, '3h07m'],
  ])('duration(%d min) = %s', (m, want) => {
    expect(duration(m)).toBe(want);
  });
});
