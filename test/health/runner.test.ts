import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { runChecks } from '../../src/health/runner.js';
import type { CheckDef, CheckOutcome, CheckState } from '../../src/health/types.js';

const ok = (message: string): CheckOutcome => ({
  state: 'OK',
  figure: 1,
  unit: '',
  threshold: null,
  message,
  metrics: [],
});
const never = (signal: AbortSignal, seen: { aborted?: boolean }) =>
  new Promise<CheckOutcome>(() => {
    signal.addEventListener('abort', () => (seen.aborted = true));
  });
const def = (key: string, run: CheckDef['run'], timeoutState: CheckState = 'CRIT'): CheckDef => ({
  key,
  label: key,
  timeoutState,
  run,
});

describe('runChecks', () => {
  it('keeps the order of the definitions whatever order they finish in', async () => {
    const delayed = (ms: number, m: string) => () => new Promise<CheckOutcome>((r) => setTimeout(() => r(ok(m)), ms));
    const out = await runChecks([def('a', delayed(30, 'a')), def('b', delayed(0, 'b')), def('c', delayed(10, 'c'))], {
      checkTimeoutMs: 1000,
      totalTimeoutMs: 2000,
      clock: systemClock,
    });
    expect(out.map((c) => [c.key, c.message])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
      ['c', 'c'],
    ]);
    expect(out.every((c) => c.durationMs >= 0)).toBe(true);
  });

  it('turns a throwing check into CRIT with the error text', async () => {
    const [c] = await runChecks(
      [def('x', () => Promise.reject(new Error('boom', { cause: new Error('root cause') })), 'WARN')],
      { checkTimeoutMs: 1000, totalTimeoutMs: 2000, clock: systemClock },
    );
    expect(c).toMatchObject({ state: 'CRIT', message: 'check failed: boom: root cause', figure: null });
  });

  it('gives a hung check its timeout state, aborts its signal, and lets the others finish', async () => {
    const seen: { aborted?: boolean } = {};
    const out = await runChecks(
      [
        def('hung', (s) => never(s, seen), 'CRIT'),
        def('db', (s) => never(s, {}), 'WARN'),
        def('fine', async () => ok('fine')),
      ],
      {
        checkTimeoutMs: 50,
        totalTimeoutMs: 5000,
        clock: systemClock,
      },
    );
    expect(out.map((c) => [c.key, c.state, c.message])).toEqual([
      ['hung', 'CRIT', 'no answer within 50 ms'],
      ['db', 'WARN', 'no answer within 50 ms'],
      ['fine', 'OK', 'fine'],
    ]);
    expect(seen.aborted).toBe(true);
  });

  it('stops every check at the run cap even when per-check timeouts are longer', async () => {
    const out = await runChecks([def('a', (s) => never(s, {})), def('b', (s) => never(s, {}), 'WARN')], {
      checkTimeoutMs: 60_000,
      totalTimeoutMs: 80,
      clock: systemClock,
    });
    expect(out.map((c) => [c.state, c.message])).toEqual([
      ['CRIT', "no answer before the run's 80 ms cap"],
      ['WARN', "no answer before the run's 80 ms cap"],
    ]);
  });

  it('stops when the job is interrupted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('interrupted by SIGTERM')), 20);
    const [c] = await runChecks([def('a', (s) => never(s, {}))], {
      checkTimeoutMs: 60_000,
      totalTimeoutMs: 60_000,
      clock: systemClock,
      signal: ac.signal,
    });
    expect(c).toMatchObject({ state: 'CRIT', message: 'run aborted' });
  });
});
