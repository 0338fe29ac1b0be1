// whale-watch: a long-running process (cron only restarts it when it is gone: `flock -n`). It
// follows mempool's WebSocket for whale transactions, catches up with the mempool through electrs
// at start and after every reconnect (the stream sends no snapshot), labels each whale's flow with
// the spent outputs electrs fills in, predicts its confirmation, writes rows in batches and alerts
// once per whale, and settles each prediction (mined, replaced, dropped, or through electrs). Runs
// until --duration elapses or SIGTERM/SIGINT, then flushes what is queued and exits 0.
import fs from 'node:fs';
import type { DeliveryResult } from '../alerts/webhook.js';
import { EXIT } from '../errors.js';
import { createEsploraClient, type EsploraTxSource } from '../sources/esplora/client.js';
import { MempoolStream, type StreamEvent } from '../sources/mempool/stream.js';
import type { MempoolStreamSource } from '../sources/types.js';
import { withWhaleDb } from '../store/databases.js';
import { alertWhales } from '../whale/alert.js';
import { checkAccuracyAlert } from '../whale/accuracyAlert.js';
import { CatchUp } from '../whale/catchUp.js';
import { btcToSats } from '../whale/detect.js';
import { LogBudget } from '../whale/logBudget.js';
import { loadBook, logPrediction } from '../whale/logLines.js';
import { PrevoutResolver } from '../whale/prevouts.js';
import { loadPending } from '../whale/queries.js';
import { Reconciler } from '../whale/reconcile.js';
import type { OutcomeRow, PredictionRow } from '../whale/rows.js';
import { WhaleStore } from '../whale/store.js';
import { WhaleTracker } from '../whale/tracker.js';
import { TxidSet } from '../whale/txidSet.js';
import { WhaleWatcher, type WhaleSink } from '../whale/watcher.js';
import type { JobContext, JobOutcome } from './context.js';

export interface WhaleWatchOptions {
  /** Bounded run (--duration); undefined runs until a signal. */
  durationMs?: number;
}

export interface WhaleWatchDeps {
  esplora?: EsploraTxSource;
  /** mempool's WebSocket; default: MempoolStream on MEMPOOL_WS_URL. */
  stream?: (onHandlerError: (err: unknown) => void) => MempoolStreamSource;
  /** Observes each detection as it happens (the bench measures latency here). */
  onPrediction?: (row: PredictionRow, info: { alert: boolean; sequence: number }) => void;
  /** Replaces webhook delivery (tests); default: the signed webhook. */
  alert?: (rows: PredictionRow[]) => Promise<DeliveryResult[]>;
  /** Sees each stream event after the watcher handled it (tests wait on sequences with it). */
  onEvent?: (ev: StreamEvent) => void;
  /** Sees each finished catch-up pass (tests and the bench wait on it). */
  onCatchUp?: (stats: CatchUp['stats']) => void;
  /** Sees each outcome row as it is decided (tests watch the RBF window with it). */
  onOutcomes?: (rows: OutcomeRow[]) => void;
}

/** Queued rows that trigger a flush before the interval. */
const FLUSH_AT_ROWS = 1_000;
/** A status line in the log this often, so a long run's log shows it alive between events. */
const STATUS_LOG_MS = 10 * 60_000;
/** The 7-day accuracy alert is checked this often (it has its own 6 h cooldown). */
const ACCURACY_CHECK_MS = 60 * 60_000;
/** Pause before a catch-up pass resumes an incomplete one or retries a failed one. */
const CATCHUP_RETRY_MS = 30_000;

export async function runWhaleWatch(
  opts: WhaleWatchOptions,
  ctx: JobContext,
  deps: WhaleWatchDeps = {},
): Promise<JobOutcome> {
  const { settings: s, log } = ctx;
  const startedAt = new Date(ctx.clock.now());
  const book = loadBook(s.exchangeAddressesFile, log);
  const flowsLabelled = book.byAddress.size > 0;
  // Stops the catch-up and the prevout lookups at the end of a bounded run as well as on a signal.
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);

  const tracker = new WhaleTracker(s.whaleMaxTracked);
  const store = new WhaleStore({
    settings: s,
    log,
    dryRun: ctx.dryRun,
    alert: deps.alert ?? ((rows) => alertWhales(s, log, rows)),
  });
  for (const t of await loadPendingSafely(ctx)) tracker.add(t);
  if (tracker.size > 0) log.info({ pending: tracker.size }, 'Following whales still pending from earlier runs');

  let esplora: EsploraTxSource;
  if (deps.esplora) esplora = deps.esplora;
  else {
    const client = createEsploraClient({
      url: s.electrsApiUrl,
      timeoutMs: s.sourceTimeoutMs,
      retries: 1,
      connections: s.whaleCatchupConcurrency,
    });
    ctx.defer(() => client.close());
    esplora = client;
  }
  const prevoutLog = new LogBudget(5, 3_600_000);
  // Label lookups get their own stop: at shutdown they have a grace period before they give up.
  const stopLabels = new AbortController();
  const prevouts = new PrevoutResolver({
    source: esplora,
    signal: stopLabels.signal,
    onError: (err, txid) => {
      const b = prevoutLog.take();
      if (b.log)
        log.warn(
          { txid, err: (err as Error).message, suppressed: b.suppressed },
          'electrs could not give spent outputs; the flow is labelled from what is known',
        );
    },
  });
  const sink: WhaleSink = {
    prediction(row, info) {
      store.prediction(row, info.alert);
      deps.onPrediction?.(row, info);
      logPrediction(log, row, info.alert);
      if (store.pending >= FLUSH_AT_ROWS) flushSoon();
    },
    outcomes(rows) {
      store.outcome(rows);
      deps.onOutcomes?.(rows);
    },
  };
  const watcher = new WhaleWatcher({
    thresholdSats: btcToSats(s.whaleThresholdBtc),
    book,
    tracker,
    seen: new TxidSet(s.whaleSeenMax),
    sink,
    log,
    prevouts,
    onResync: (reason) => catchUp.request(reason),
    clock: ctx.clock,
  });
  const catchUp = new CatchUp({
    source: esplora,
    watcher,
    log,
    concurrency: s.whaleCatchupConcurrency,
    budgetMs: s.whaleCatchupBudgetSec * 1000,
    retryMs: CATCHUP_RETRY_MS,
    signal,
    onPass: (stats) => deps.onCatchUp?.(stats),
    clock: ctx.clock,
  });
  const reconciler = new Reconciler({
    tracker,
    esplora,
    sink,
    log,
    timeoutMs: s.whaleOutcomeTimeoutMin * 60_000,
    clock: ctx.clock,
  });

  let flushing = false;
  function flushSoon(): void {
    if (flushing) return;
    flushing = true;
    store
      .flush()
      .catch((err: unknown) =>
        log.error(
          { err: (err as Error).message, pending: store.pending },
          'whale flush failed; rows kept for the next flush',
        ),
      )
      .finally(() => {
        flushing = false;
      });
  }
  const beat = (connected: boolean) =>
    store.heartbeat({
      runId: ctx.runId,
      pid: process.pid,
      startedAt,
      beatAt: new Date(ctx.clock.now()),
      connected,
      tracked: watcher.following,
      messages: stream.stats.messages,
      gaps: watcher.stats.gaps,
      whales: watcher.stats.whales,
      flowsLabelled,
      caughtUp: catchUp.stats.fetched,
    });

  let everConnected = false;
  const onHandlerError = (err: unknown) =>
    log.error({ err: (err as Error).message }, 'whale handler failed on a message; continuing');
  const stream: MempoolStreamSource = deps.stream
    ? deps.stream(onHandlerError)
    : new MempoolStream({ url: s.mempoolWsUrl, connectTimeoutMs: s.sourceTimeoutMs, onHandlerError });
  const connectLog = new LogBudget(10, 3_600_000);
  stream.on('*', (ev) => {
    watcher.handle(ev);
    deps.onEvent?.(ev);
  });
  stream.on('connected', (ev) => {
    everConnected = true;
    const b = connectLog.take();
    if (b.log)
      log.info({ url: ev.url, attempt: ev.attempt, suppressed: b.suppressed }, 'Connected to mempool WebSocket');
  });
  stream.on('disconnected', (ev) => {
    const b = connectLog.take();
    if (b.log)
      log.warn(
        { reason: ev.reason, retry_in_ms: ev.retryInMs, suppressed: b.suppressed },
        'mempool WebSocket disconnected; reconnecting',
      );
  });
  ctx.defer(() => stream.close());
  stream.start();

  const timers = [
    setInterval(flushSoon, s.whaleFlushIntervalMs),
    setInterval(() => {
      beat(stream.connected);
      flushSoon();
    }, s.whaleHeartbeatSec * 1000),
    setInterval(() => void reconciler.checkTimeouts(), Math.min(60_000, s.whaleOutcomeTimeoutMin * 60_000)),
    setInterval(
      () =>
        log.info(
          {
            connected: stream.connected,
            following: watcher.following,
            messages: stream.stats.messages,
            whales: watcher.stats.whales,
            caught_up: catchUp.stats.fetched,
            pending_rows: store.pending,
          },
          'whale-watch running',
        ),
      STATUS_LOG_MS,
    ),
  ];
  if (!ctx.dryRun) timers.push(setInterval(() => void accuracyAlert(), ACCURACY_CHECK_MS));
  ctx.defer(() => timers.forEach(clearInterval));
  beat(false);
  flushSoon();
  void reconciler.checkTimeouts();

  async function accuracyAlert() {
    try {
      return await checkAccuracyAlert(s, log, ctx.clock.now());
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'accuracy check failed');
      return undefined;
    }
  }

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

  log.info('Stopping whale-watch: flushing pending rows');
  timers.forEach(clearInterval);
  stop.abort();
  watcher.close();
  await stream.close();
  await catchUp.idle();
  // Whales detected last still get their flow label, unless electrs keeps them waiting longer than
  // one request's timeout.
  const grace = setTimeout(() => stopLabels.abort(), s.sourceTimeoutMs);
  await watcher.labelling.idle();
  clearTimeout(grace);
  await reconciler.idle();
  beat(false);
  await store.flushAll(); // a failure here is a failed run: rows would be lost (exit 1)

  const accuracy = ctx.dryRun ? undefined : await accuracyAlert();
  const w = watcher.stats;
  const result = {
    dry_run: ctx.dryRun,
    connected: everConnected,
    messages: stream.stats.messages,
    reconnects: Math.max(0, stream.stats.connects - 1),
    whales: w.whales,
    tracked: watcher.following,
    flows_labelled: flowsLabelled,
    watcher: w,
    catch_up: catchUp.stats,
    prevouts: prevouts.stats,
    store: store.stats,
    reconcile: reconciler.stats,
    accuracy_7d: accuracy?.stats.accuracy ?? null,
    accuracy_level: accuracy?.level ?? null,
  };
  const c = catchUp.stats;
  const lines = [
    `Whale watch ${ctx.dryRun ? '(dry run) ' : ''}finished: ${w.whales} whales ` +
      `(${c.whales} found catching up, ${c.fetched} transactions caught up), ` +
      `${w.confirmed + c.confirmedAway} confirmed, ${w.replaced + w.conflicts} replaced, ` +
      `${w.dropped + c.droppedAway} dropped, ${w.gaps} gaps, ${watcher.following} still followed`,
  ];
  if (!everConnected) {
    log.error({ url: s.mempoolWsUrl }, 'mempool WebSocket unreachable for the whole run');
    return { exitCode: EXIT.DEGRADED, result, lines, message: 'mempool WebSocket unreachable' };
  }
  return { exitCode: EXIT.OK, result, lines, message: lines[0] };
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
