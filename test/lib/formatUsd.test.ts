import { describe, expect, it } from 'vitest';
import { formatUsd, formatWholeUsd } from '../../src/lib/formatUsd.js';
import { prng } from '../chain/craft.js';

describe('formatUsd', () => {
  it('prints what toLocaleString en-US with two decimals prints (away from decimal ties)', () => {
    const rnd = prng(3);
    const values = [0, 0.125, 1000, 105_000.105000105, 1234567.891, -42.5, -0.004, 2 ** 53];
    for (let i = 0; i < 2000; i++) values.push(Math.round(rnd() * 1e9) / 1000, rnd() * 10 ** Math.floor(rnd() * 9));
    // Intl rounds the shortest decimal ("0.015" -> 0.02); toFixed rounds the double itself
    // (0.01499999... -> 0.01). They only part on such ties, covered below.
    const tie = (v: number) => /\.\d\d5$/.test(String(Math.abs(v)));
    for (const v of values.filter((x) => !tie(x)))
      expect(formatUsd(v), String(v)).toBe(
        `${v < 0 && Math.abs(v).toFixed(2) !== '0.00' ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
      );
  });

  it('rounds the double, not its shortest decimal, on ties', () => {
    expect(formatUsd(0.015)).toBe('$0.01'); // 0.01499999999999999944...
    expect(formatUsd(0.125)).toBe('$0.13'); // exactly representable: away from zero
    expect(formatUsd(-0.125)).toBe('-$0.13');
  });

  it('whole dollars truncate', () => {
    expect(formatWholeUsd(105_000.999)).toBe('$105,000');
    expect(formatWholeUsd(999)).toBe('$999');
    expect(formatWholeUsd(1_000_000)).toBe('$1,000,000');
  });
});
