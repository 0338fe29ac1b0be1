// Reconnect delays: exponential from `baseMs`, doubling to `maxMs`, with jitter so that many
// watchers cut off by the same backend restart do not reconnect in lockstep.
import { ConfigError } from '../../../errors.js';

export interface BackoffOptions {
  /** First delay, ms (default 1000). */
  baseMs?: number;
  /** Ceiling, ms (default 30000). */
  maxMs?: number;
  /** Fraction of the delay that is random, 0..1 (default 0.5: delay in [50%, 100%] of the step). */
  jitter?: number;
  /** Uniform [0,1) source; injectable so tests can pin the delays. */
  rng?: () => number;
}

export interface Backoff {
  /** Delay before reconnect attempt `attempt` (0 = the first retry). */
  delay(attempt: number): number;
}

export function createBackoff(options: BackoffOptions = {}): Backoff {
  const baseMs = options.baseMs ?? 1000;
  const maxMs = options.maxMs ?? 30_000;
  const jitter = options.jitter ?? 0.5;
  const rng = options.rng ?? Math.random;
  if (!(baseMs > 0) || !(maxMs >= baseMs)) {
    throw new ConfigError(`backoff: need 0 < baseMs <= maxMs, got baseMs=${baseMs} maxMs=${maxMs}`);
  }
  if (!(jitter >= 0 && jitter <= 1)) throw new ConfigError(`backoff: jitter must be within 0..1, got ${jitter}`);
  return {
    delay(attempt: number): number {
      // Cap the exponent so 2**attempt cannot overflow to Infinity on a very long outage.
      const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 40));
      const r = Math.min(Math.max(rng(), 0), 1);
      return Math.round(step * (1 - jitter * r));
    },
  };
}
