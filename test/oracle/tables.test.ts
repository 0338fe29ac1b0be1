import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { BIN_COUNT, GLIBC_POW_EXCEPTIONS, binEdges, computeBinEdges, edgeExponent } from '../../src/oracle/binEdges.js';
import { renderTables } from '../../scripts/genOracleTables.js';
import { exactPow } from '../../src/oracle/exactPow.js';
import { MicroRoundFilter, microRoundAmounts } from '../../src/oracle/microRound.js';
import {
  SPIKE_WEIGHTS,
  STENCIL_WIDTH,
  computeSmoothStencil,
  smoothStencil,
  spikeStencil,
} from '../../src/oracle/stencils.js';
import { loadVector } from './loadVector.js';

/** Indices where two double arrays differ (Object.is, so -0 and NaN are told apart). */
function differing(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

describe('the generated tables (src/oracle/tables.generated.ts)', () => {
  it('are exactly what the computation gives, and the file is what the generator writes', () => {
    expect(differing(binEdges(), computeBinEdges())).toEqual([]);
    expect(differing(smoothStencil(), computeSmoothStencil())).toEqual([]);
    const file = fs.readFileSync(new URL('../../src/oracle/tables.generated.ts', import.meta.url), 'utf8');
    expect(file === renderTables(), 'run npm run gen:tables').toBe(true);
  });

  it('the computed tables equal the vectors too (the table cannot pass by matching a wrong computation)', () => {
    expect(differing(computeBinEdges(), loadVector('bin-edges.json'))).toEqual([]);
    expect(differing(computeSmoothStencil(), loadVector('smooth-stencil.json'))).toEqual([]);
  });
});

describe('bin edges (vectors/bin-edges.json)', () => {
  it('all 2401 equal the CPython vector exactly', () => {
    const vec = loadVector('bin-edges.json');
    expect(vec).toHaveLength(BIN_COUNT);
    expect(differing(binEdges(), vec)).toEqual([]);
  });

  it('are strictly increasing and read-only', () => {
    const e = binEdges();
    for (let i = 1; i < BIN_COUNT; i++) expect(e[i]! > e[i - 1]!).toBe(true);
    expect(() => {
      (e as Float64Array)[5] = 1;
    }).toThrow(TypeError);
  });

  it('the two glibc exceptions sit exactly one ulp below the correctly rounded value', () => {
    for (const [i, glibc] of GLIBC_POW_EXCEPTIONS) {
      const e = Math.floor((i - 1) / 200) - 6;
      const b = (i - 1) % 200;
      const correct = exactPow(10, edgeExponent(e, b));
      expect(correct).not.toBe(glibc);
      // next double above glibc's value
      const buf = new Float64Array([glibc]);
      new BigUint64Array(buf.buffer)[0]! += 1n;
      expect(correct).toBe(buf[0]);
    }
  });

  it('V8 ** really differs from the vector (why exactPow exists)', () => {
    const vec = loadVector('bin-edges.json');
    let diff = 0;
    for (let i = 1; i < BIN_COUNT; i++) {
      const e = Math.floor((i - 1) / 200) - 6;
      if (10 ** edgeExponent(e, (i - 1) % 200) !== vec[i]) diff++;
    }
    expect(diff).toBeGreaterThan(0);
  });
});

describe('exactPow', () => {
  it.each([
    [10, 0, 1],
    [10, 1, 10],
    [10, 2, 100],
    [10, -4, 0.0001], // V8: 0.00009999999999999999
    [2, 10, 1024],
    [2, -3, 0.125],
    [4, 0.5, 2],
    [2.718281828459045, 1, 2.718281828459045],
  ])('%d ** %d = %d', (b, x, want) => {
    expect(exactPow(b, x)).toBe(want);
  });

  it.each([
    [0, 1],
    [-2, 0.5],
    [Infinity, 1],
    [10, NaN],
    [10, Infinity],
  ])('rejects %d ** %d', (b, x) => {
    expect(() => exactPow(b, x)).toThrow(RangeError);
  });
});

describe('stencils', () => {
  it('smooth stencil equals vectors/smooth-stencil.json exactly', () => {
    const vec = loadVector('smooth-stencil.json');
    expect(vec).toHaveLength(STENCIL_WIDTH);
    expect(differing(smoothStencil(), vec)).toEqual([]);
  });

  it('spike stencil: 29 weights at the documented offsets, zero elsewhere', () => {
    const s = spikeStencil();
    expect(s).toHaveLength(STENCIL_WIDTH);
    expect(SPIKE_WEIGHTS).toHaveLength(29);
    const nonZero = [...s.keys()].filter((i) => s[i] !== 0);
    expect(nonZero).toEqual(SPIKE_WEIGHTS.map(([i]) => i));
    expect(s[401]).toBe(0.006174500465286022); // the $100 peak
    expect(s[801]).toBe(0.000832244504868709);
  });
});

describe('micro-round amounts', () => {
  it('equal vectors/micro-round-amounts.json in order (float drift included)', () => {
    expect(differing(microRoundAmounts(), loadVector('micro-round-amounts.json'))).toEqual([]);
  });

  it('the fast filter agrees with checking every window, on edges and their neighbours', () => {
    const rounds = microRoundAmounts();
    const filter = new MicroRoundFilter();
    const naive = (n: number) => rounds.some((r) => r - 0.0001 * r < n && n < r + 0.0001 * r);
    const probes: number[] = [];
    for (const r of rounds) {
      for (const x of [r, r - 0.0001 * r, r + 0.0001 * r, r * 0.99995, r * 1.00005, r * 0.9998]) {
        probes.push(x, x * (1 + Number.EPSILON), x * (1 - Number.EPSILON));
      }
    }
    for (let i = 0; i < 20000; i++) probes.push(10 ** (-5 + 5 * (i / 20000)));
    // Far outside the windows, powers of two (bucket boundaries), zero and the extremes.
    for (let e = -30; e <= 20; e++)
      probes.push(2 ** e, 2 ** e * (1 + Number.EPSILON), 2 ** e * (1 - Number.EPSILON / 2));
    probes.push(0, 5e-324, 1e5, 1e300, Infinity);
    const mismatches = probes.filter((n) => filter.excludes(n) !== naive(n));
    expect(mismatches).toEqual([]);
    expect(probes.filter(naive).length).toBeGreaterThan(1000);
  });
});
