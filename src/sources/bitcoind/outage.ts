// A node that restarts (an upgrade, a crash, a reboot) is first unreachable, then warming up — RPC
// -28 and REST 503 "Service temporarily unavailable" (Core's rest.cpp CheckWarmup) — while it loads
// its block index, which takes minutes on mainnet. A request whose retries are spent on such a
// failure waits here for the node to answer again, up to BITCOIN_RESTART_WAIT_SEC per outage, with a
// log line every 30 s saying what it waits for; then it is sent again, so a range resumes where it
// was. Requests in flight when the node went away share one wait (one probe, one set of log lines).
import { SourceError, describeError } from '../../errors.js';
import { isTransientNetworkError, type Logger, type OutageWaiter } from './retry.js';
import { RPC_IN_WARMUP } from './rpc.js';

export interface OutageOptions {
  /** One real call that resolves only when the node answers it (no retries of its own). */
  probe: () => Promise<void>;
  /** The longest one outage is waited for (BITCOIN_RESTART_WAIT_SEC). */
  waitMs: number;
  log: Logger;
  /** Stops a wait (SIGTERM, the run's cap). */
  signal?: AbortSignal;
  /** Between probes (default 2 s). */
  pollMs?: number;
  /** Between "still waiting" lines (default 30 s). */
  reportEveryMs?: number;
  now?: () => number;
}

/** The failures a restart causes: the node unreachable, warming up, or a proxy's 5xx in front of it. */
export function isNodeOutage(err: unknown): boolean {
  if (err instanceof SourceError) {
    const d = err.details;
    if (d.code === RPC_IN_WARMUP) return true;
    if (d.status !== undefined && [500, 502, 503, 504].includes(d.status)) return true;
    if (d.retryable !== true) return false;
  }
  return isTransientNetworkError(err);
}

/** Why the node is not answering, in a few words for the log. */
function why(err: unknown): string {
  if (err instanceof SourceError && err.details.code === RPC_IN_WARMUP) return `warming up (${describeError(err)})`;
  for (let e: unknown = err, i = 0; e instanceof Error && i < 4; e = e.cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ECONNREFUSED') return 'connection refused (bitcoind is not running)';
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `connection failed (${code})`;
  }
  return describeError(err);
}

export class NodeOutage implements OutageWaiter {
  private current: Promise<void> | undefined;

  constructor(private readonly o: OutageOptions) {}

  covers(err: unknown): boolean {
    return isNodeOutage(err);
  }

  /** Resolves once the node answers again; throws when it has not within waitMs (or the signal aborts). */
  waitFor(err: unknown): Promise<void> {
    this.current ??= this.run(err).finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  private async run(first: unknown): Promise<void> {
    const now = this.o.now ?? Date.now;
    const started = now();
    const limitSec = Math.round(this.o.waitMs / 1000);
    let reason = why(first);
    this.o.log.warn(
      { waitSec: limitSec, reason },
      `Bitcoin Core is not answering: ${reason}; waiting up to ${limitSec} s (BITCOIN_RESTART_WAIT_SEC) for it to come back`,
    );
    let lastReport = started;
    for (;;) {
      await sleep(Math.min(this.o.pollMs ?? 2_000, Math.max(0, started + this.o.waitMs - now())), this.o.signal);
      try {
        await this.o.probe();
        const sec = Math.round((now() - started) / 1000);
        (this.o.log.info ?? this.o.log.warn).call(
          this.o.log,
          { waitedSec: sec },
          `Bitcoin Core is back after ${sec} s; carrying on`,
        );
        return;
      } catch (err) {
        if (!isNodeOutage(err)) throw err; // an answer that is no outage (credentials, a real error): say it
        reason = why(err);
      }
      const elapsed = now() - started;
      if (elapsed >= this.o.waitMs)
        throw new SourceError(
          `Bitcoin Core did not come back within ${limitSec} s (BITCOIN_RESTART_WAIT_SEC): ${reason}`,
          { service: 'bitcoind', endpoint: 'restart wait', retryable: false },
          { cause: first },
        );
      if (now() - lastReport >= (this.o.reportEveryMs ?? 30_000)) {
        lastReport = now();
        this.o.log.warn(
          { waitedSec: Math.round(elapsed / 1000), reason },
          `Still waiting for Bitcoin Core (${reason}): ${Math.round(elapsed / 1000)} s of ${limitSec} s`,
        );
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
