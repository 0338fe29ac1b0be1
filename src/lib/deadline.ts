/**
 * Filesystem calls that outlived their deadline and are still stuck (a dead mount, a FIFO nobody
 * writes). Such a call holds a libuv thread, and Node joins those threads on exit: the process
 * could not end normally, so the exit backstop (cli/harness.ts) ends it with SIGKILL instead.
 */
let stuck = 0;
export const stuckWork = (): number => stuck;

/**
 * `work`, or an error when it takes longer than `timeoutMs` or `signal` aborts first. The work itself
 * is not cancelled (a filesystem call stuck on a dead mount cannot be), but the caller is free to
 * report, clean up and exit.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => Error,
  signal?: AbortSignal,
): Promise<T> {
  let settled = false;
  let abandoned = false;
  const done = () => {
    settled = true;
    if (abandoned) stuck--;
  };
  work.then(done, done);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    const giveUp = (err: Error) => {
      if (!settled && !abandoned) {
        abandoned = true;
        stuck++;
      }
      reject(err);
    };
    timer = setTimeout(() => giveUp(onTimeout()), timeoutMs);
    timer.unref();
    onAbort = () => giveUp(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** `work`, or the signal's reason as soon as it aborts (the work is left to finish on its own). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return withDeadline(work, 2 ** 31 - 1, () => new Error('no deadline'), signal);
}
