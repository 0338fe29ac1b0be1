// whale-watch: a long-running process (cron only restarts it when it is gone: `flock -n`). The job
// reloads the whales still pending, asks mempool which version and backend it runs, starts the
// runner (src/whale/runner.ts), lets it run until --duration elapses or SIGTERM/SIGINT, stops it
// (which flushes what is queued) and reports.
import fs from 'node:fs';
import { EXIT, describeError } from '../errors.js';
import { getBackendInfo, type BackendInfo } from '../sources/mempool/backendInfo.js';
import { withWhaleDb } from '../store/databases.js';
import { loadPending } from '../whale/queries.js';
import { startWhaleWatch, type WhaleWatchDeps, type WhaleWatchRunner } from '../whale/runner.js';
import type { JobContext, JobOutcome } from './context.js';

export interface WhaleWatchOptions {
  /** Bounded run (--duration); undefined runs until a signal. */
  durationMs?: number;
}

/** What a caller may replace or watch: the outside services, and the runner once it has started. */
export interface WhaleWatchJobDeps extends Pick<WhaleWatchDeps, 'lookups' | 'stream' | 'alert'> {
  /** Called with the runner as soon as it has started (tests and the bench listen to its events). */
  attach?: (runner: WhaleWatchRunner) => void;
}

export async function runWhaleWatch(
  opts: WhaleWatchOptions,
  ctx: JobContext,
  deps: WhaleWatchJobDeps = {},
): Promise<JobOutcome> {
  const { settings: s, log } = ctx;
  const runner = startWhaleWatch({
    settings: s,
    log,
    clock: ctx.clock,
    runId: ctx.runId,
    dryRun: ctx.dryRun,
    pending: await loadPendingSafely(ctx),
    backend: await readBackend(ctx),
    lookups: deps.lookups,
    stream: deps.stream,
    alert: deps.alert,
    alerts: ctx.alerts,
  });
  // However the run ends (an exception below included), the runner is stopped before the process exits.
  ctx.defer(async () => void (await runner.stop()));
  deps.attach?.(runner);

  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    const t = opts.durationMs === undefined ? undefined : setTimeout(resolve, opts.durationMs);
    ctx.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

  const r = await runner.stop();
  // A failed final flush is a failed run: rows would be lost (exit 1).
  if (r.flushError) throw r.flushError;
  const lines = [r.summary];
  if (!r.everConnected) {
    log.error({ url: s.mempoolWsUrl }, 'mempool WebSocket unreachable for the whole run');
    return { exitCode: EXIT.DEGRADED, result: r.document, lines, message: 'mempool WebSocket unreachable' };
  }
  return { exitCode: EXIT.OK, result: r.document, lines, message: r.summary };
}

async function loadPendingSafely(ctx: JobContext) {
  const s = ctx.settings;
  try {
    if (ctx.dryRun) {
      if (!fs.existsSync(s.whaleDbPath)) return [];
      return await withWhaleDb(s, (conn) => loadPending(conn, s.whaleMaxTracked), { readOnly: true, logger: ctx.log });
    }
    return await withWhaleDb(s, (conn) => loadPending(conn, s.whaleMaxTracked), { logger: ctx.log });
  } catch (err) {
    if (!ctx.dryRun) throw err;
    ctx.log.warn({ err: (err as Error).message }, '[DRY-RUN] could not read pending whales');
    return [];
  }
}

/** mempool's /api/v1/backend-info (undefined with MEMPOOL_API_URL=none; null when it cannot be read). */
async function readBackend(ctx: JobContext): Promise<BackendInfo | null | undefined> {
  const url = ctx.settings.mempoolApiUrl;
  if (url === undefined) return undefined;
  try {
    return await getBackendInfo(url, ctx.settings.sourceTimeoutMs);
  } catch (err) {
    ctx.log.debug({ err: describeError(err) }, 'mempool backend-info unavailable');
    return null;
  }
}
