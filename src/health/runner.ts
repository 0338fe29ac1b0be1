import { setMaxListeners } from 'node:events';
import { describeError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { CheckDef, CheckOutcome, CheckResult } from './types.js';

export interface RunChecksOptions {
  /** Each check's own limit: one dead service must not hold up the report. */
  checkTimeoutMs: number;
  /** Hard cap for the whole set, whatever the per-check limits say. */
  totalTimeoutMs: number;
  /** The job's signal (SIGTERM, harness cap): treated like the cap. */
  signal?: AbortSignal;
  /** Times each check (durations only). */
  clock: Pick<Clock, 'elapsed'>;
}

/**
 * Runs every check concurrently. A check that throws becomes CRIT with the error's text; one that
 * does not settle in time gets its `timeoutState`. Each check receives a signal that aborts at its
 * timeout, so clients that honour it drop their sockets instead of leaking them.
 * Results keep the order of `defs`.
 */
export async function runChecks(defs: readonly CheckDef[], opts: RunChecksOptions): Promise<CheckResult[]> {
  const now = () => opts.clock.elapsed();
  const cap = new AbortController();
  // One listener per check on the cap: Node's default warning at 11 would land in the cron log.
  setMaxListeners(defs.length + 1, cap.signal);
  const capTimer = setTimeout(
    () => cap.abort(new Error(`run cap of ${opts.totalTimeoutMs} ms reached`)),
    opts.totalTimeoutMs,
  );
  capTimer.unref();
  const onOuterAbort = () => cap.abort(opts.signal?.reason ?? new Error('run aborted'));
  if (opts.signal?.aborted) onOuterAbort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    return await Promise.all(defs.map((def) => runOne(def, opts.checkTimeoutMs, cap.signal, opts.totalTimeoutMs, now)));
  } finally {
    clearTimeout(capTimer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function runOne(
  def: CheckDef,
  timeoutMs: number,
  cap: AbortSignal,
  capMs: number,
  now: () => number,
): Promise<CheckResult> {
  const started = now();
  const own = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onCap: (() => void) | undefined;
  const gaveUp = new Promise<CheckOutcome>((resolve) => {
    const giveUp = (why: string) => {
      own.abort(new Error(why));
      resolve(timedOut(def, why));
    };
    timer = setTimeout(() => giveUp(`no answer within ${timeoutMs} ms`), timeoutMs);
    timer.unref();
    onCap = () =>
      giveUp(
        cap.reason instanceof Error && /cap/.test(cap.reason.message)
          ? `no answer before the run's ${capMs} ms cap`
          : 'run aborted',
      );
    if (cap.aborted) onCap();
    else cap.addEventListener('abort', onCap, { once: true });
  });
  let outcome: CheckOutcome;
  try {
    // The check's promise may settle after we gave up; its late result is ignored.
    const running = Promise.resolve().then(() => def.run(own.signal));
    running.catch(() => undefined);
    outcome = await Promise.race([running, gaveUp]);
  } catch (err) {
    outcome = {
      state: 'CRIT',
      figure: null,
      unit: '',
      threshold: null,
      message: `check failed: ${describeError(err)}`,
      metrics: [],
    };
  } finally {
    clearTimeout(timer);
    if (onCap) cap.removeEventListener('abort', onCap);
  }
  return { key: def.key, label: def.label, ...outcome, durationMs: Math.round((now() - started) * 10) / 10 };
}

function timedOut(def: CheckDef, why: string): CheckOutcome {
  return {
    state: def.timeoutState,
    figure: null,
    unit: '',
    threshold: null,
    message: why,
    metrics: [],
    details: { timed_out: true },
  };
}
