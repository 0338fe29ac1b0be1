import { inspect } from 'node:util';

// A few error classes; the process exit code follows from the class (see README "Exit codes").
// Messages name the culprit and never carry a secret: callers pass values through redact() first.

export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  DEGRADED: 3,
  LOCKED: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export abstract class UtxoracleError extends Error {
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A setting or flag has a bad value. Exit 2. */
export class ConfigError extends UtxoracleError {
  readonly exitCode = EXIT.USAGE;
  constructor(
    message: string,
    readonly setting?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An outside service (node, electrs, mempool, webhook) failed or answered badly. Exit 1. */
export class SourceError extends UtxoracleError {
  readonly exitCode = EXIT.FAILED;
  constructor(
    message: string,
    readonly details: {
      service: string;
      endpoint?: string;
      status?: number;
      code?: number;
      retryable?: boolean;
      /** The service answered (2xx), but not with a usable value: it is up, its answer is bad. */
      invalidAnswer?: boolean;
      /**
       * mempool answered /api/v1/prices in its own shape but has no price to give (USD <= 0, time 0, or
       * too old): its price feed is off, unreachable (Tor-only) or it is not on mainnet.
       */
      noPrice?: boolean;
    } = {
      service: 'unknown',
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Input bytes or values are malformed or insufficient (bad block, NaN price, too few outputs). Exit 1. */
export class DataError extends UtxoracleError {
  readonly exitCode = EXIT.FAILED;
  constructor(
    message: string,
    readonly offset?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Local storage failed: DuckDB could not be opened, read or written, a lock or cache file could not be written. Exit 1. */
export class StoreError extends UtxoracleError {
  readonly exitCode = EXIT.FAILED;
  constructor(
    message: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Another live instance holds the job's lock. Exit 4. */
export class LockError extends UtxoracleError {
  readonly exitCode = EXIT.LOCKED;
  constructor(
    message: string,
    readonly holderPid?: number,
  ) {
    super(message);
  }
}

/** The exit code for anything thrown out of a job. Unknown errors are failures. */
export function exitCodeOf(err: unknown): ExitCode {
  return err instanceof UtxoracleError ? err.exitCode : EXIT.FAILED;
}

/** One line for a person: the message and the chain of causes, no stack. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    const msg = cur instanceof Error ? cur.message : nonErrorText(cur);
    if (msg && !parts.some((p) => p.includes(msg))) parts.push(msg);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(': ');
}

/** Something thrown that is not an Error (a string, a plain object): its text, never "[object Object]". */
function nonErrorText(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 2, breakLength: Infinity });
}
