/**
 * The one clock the suite reads. Jobs get it from the harness (`ctx.clock`) and pass steps either the
 * instant they work at (`clock.now()`) or the clock itself when a step measures as it goes; tests
 * give the harness a fixed or stepping clock instead of patching Date.
 */
export interface Clock {
  /** Wall time, ms since the Unix epoch (ages, timestamps, cut-offs). */
  now(): number;
  /** A monotonic reading, ms (durations and latencies: never jumps with the wall clock). */
  elapsed(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  elapsed: () => performance.now(),
};

/** A clock fixed at `nowMs` whose monotonic reading still advances (tests). */
export function fixedClock(nowMs: number): Clock {
  return { now: () => nowMs, elapsed: () => performance.now() };
}
