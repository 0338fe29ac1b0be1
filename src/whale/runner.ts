// whale-watch as a runner (graphile-worker's `Runner`, src/interfaces.ts, is the pattern): start it,
// listen to its typed events, stop it. It follows mempool's WebSocket for whale transactions,
// catches up with the mempool at start and after every reconnect (the stream sends no snapshot),
// labels each whale's flow with the spent outputs, predicts its confirmation, writes rows in
// batches and alerts once per whale, and settles each prediction (mined, replaced, dropped, or
// through a lookup). What it does over time is a list of named periodic tasks; the order in which it
// shuts down is written once, in stop().
import { EventEmitter, setMaxListeners } from 'node:events';
import type { Settings } from '../config/settings.js';
import type { Alerter } from '../alerts/alerter.js';
import type { DeliveryResult } from '../alerts/event.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../log/logger.js';
import { sendsDeltas, type BackendInfo } from '../sources/mempool/backendInfo.js';
import { MempoolStream, type MempoolTx, type StreamEvent } from '../sources/mempool/stream.js';
import { withFeeFromPrevouts } from '../sources/rawTx.js';
import type { MempoolStreamSource } from '../sources/types.js';
import { alertWhales } from './alert.js';
import { checkAccuracyAlert, type AccuracyCheck } from './accuracyAlert.js';
import { CatchUp, type CatchUpStats } from './catchUp.js';
import { btcToSats } from './detect.js';
import { Liveness } from './liveness.js';
import { LogBudget } from './logBudget.js';
import { loadBook, logPrediction } from './logLines.js';
import { MemoryGuard } from './memory.js';
import { StatusFile } from './statusFile.js';
import { lookupsFromSettings } from './lookups/fromSettings.js';
import { WhaleLookups } from './lookups/lookups.js';
import type { TxLookup } from './lookups/types.js';
import { PeriodicTasks, type PeriodicTask } from './periodic.js';
import { PrevoutResolver } from './prevouts.js';
import { Reconciler } from './reconcile.js';
import type { OutcomeRow, PredictionRow } from './rows.js';
import { WhaleStore } from './store.js';
import { WhaleTracker, type Tracked } from './tracker.js';
import { TxidSet } from './txidSet.js';
import { WhaleWatcher, type WhaleSink } from './watcher.js';

/** What a runner reports as it goes (tests and the bench listen here instead of hooking the job). */
export interface WhaleWatchEvents {
  /** Each stream event, after the watcher handled it. */
  event: [ev: StreamEvent];
  /** Each detection, once labelled (`sequence` 0: found by a catch-up). */
  prediction: [row: PredictionRow, info: { alert: boolean; sequence: number }];
  /** Outcome rows as they are decided. */
  outcomes: [rows: OutcomeRow[]];
  /** Each finished catch-up pass (complete, incomplete or failed), its counters as they stand. */
  catchUp: [stats: CatchUpStats];
  /** Each flush of the queued rows that failed (the rows stay queued). */
  flushFailed: [err: Error, pending: number];
  /** Memory stayed above WHALE_MEMORY_MAX_MB after the caches were cleared: the job stops to be restarted. */
  restart: [reason: string];
}

export interface WhaleWatchDeps {
  settings: Readonly<Settings>;
  log: Logger;
  clock: Clock;
  runId: string;
  dryRun: boolean;
  /** Whales still pending from earlier runs, reloaded from the database (oldest first). */
  pending?: readonly Tracked[];
  /**
   * What mempool's /api/v1/backend-info said at start (version, backend); null when it could not be
   * read, undefined when not asked.
   */
  backend?: BackendInfo | null;
  /** Where transactions are looked up, in order; default: from the settings (lookups/fromSettings.ts). */
  lookups?: TxLookup[];
  /** mempool's WebSocket; default: MempoolStream on MEMPOOL_WS_URL. */
  stream?: (onHandlerError: (err: unknown) => void) => MempoolStreamSource;
  /** The run's alerts (whales, whale accuracy): built once by the job from the settings. */
  alerts: Alerter;
  /** Replaces the delivery of whale alerts (a bench that counts them); default: `alerts`. */
  alert?: (rows: PredictionRow[]) => Promise<DeliveryResult[]>;
}

export interface WhaleWatchResult {
  dryRun: boolean;
  everConnected: boolean;
  /** The final flush failed: rows were lost. */
  flushError: Error | undefined;
  accuracy: AccuracyCheck | undefined;
  document: Record<string, unknown>;
  summary: string;
}

export interface WhaleWatchRunner {
  readonly events: EventEmitter<WhaleWatchEvents>;
  /** The periodic tasks running, by name. */
  readonly tasks: readonly string[];
  /** Settles once the runner has stopped (after stop()), with what it did. */
  readonly done: Promise<WhaleWatchResult>;
  /** Stops in order (see the method) and resolves with the result; calling it again returns the same promise. */
  stop(): Promise<WhaleWatchResult>;
}

/** Queued rows that trigger a flush before the interval. */
const FLUSH_AT_ROWS = 1_000;
/** A status line in the log this often, so a long run's log shows it alive between events. */
const STATUS_LOG_MS = 10 * 60_000;
/** The 7-day accuracy alert is checked this often (it has its own 6 h cooldown). */
const ACCURACY_CHECK_MS = 60 * 60_000;
/** Pause before a catch-up pass resumes an incomplete one or retries a failed one. */
const CATCHUP_RETRY_MS = 30_000;
/** system_metrics samples (the whale guide's table) this often, and at start. */
const METRICS_MS = 5 * 60_000;
/** Memory is looked at this often. */
const MEMORY_CHECK_MS = 60_000;

export function startWhaleWatch(deps: WhaleWatchDeps): WhaleWatchRunner {
  const { settings: s, log, clock } = deps;
  const events = new EventEmitter<WhaleWatchEvents>();
  const startedAt = new Date(clock.now());
  const book = loadBook(s.exchangeAddressesFile, log);
  const flowsLabelled = book.byAddress.size > 0;
  const closers: (() => Promise<void>)[] = [];
  // Stops the catch-up and the lookups it makes.
  const halt = new AbortController();
  // Label lookups get their own stop: at shutdown they have a grace period before they give up.
  const stopLabels = new AbortController();
  // One listener per lookup in flight (a burst of whales labelled at once): Node's warning at 11
  // would land in the log as a line that is not JSON.
  setMaxListeners(0, halt.signal, stopLabels.signal);

  const tracker = new WhaleTracker(s.whaleMaxTracked);
  for (const t of deps.pending ?? []) tracker.add(t);
  if (tracker.size > 0) log.info({ pending: tracker.size }, 'Following whales still pending from earlier runs');
  const store = new WhaleStore({
    settings: s,
    log,
    dryRun: deps.dryRun,
    alert: deps.alert ?? ((rows) => alertWhales(deps.alerts, rows)),
  });

  let stopping: Promise<WhaleWatchResult> | undefined;
  const lookups = new WhaleLookups(deps.lookups ?? lookupsFromSettings(s, log, deps.backend ?? undefined), {
    log,
    clock,
    isStopping: () => stopping !== undefined,
  });
  closers.push(() => lookups.close());
  const prevouts = new PrevoutResolver({ source: lookups, signal: stopLabels.signal });
  /** A whale read from raw bytes: its spent outputs, then its fee (from them, else Core's mempool entry). */
  const complete = async (tx: MempoolTx): Promise<MempoolTx> => {
    const full = withFeeFromPrevouts(await prevouts.fill(tx));
    if (!full.feeUnknown) return full;
    const fee = await lookups.mempoolFee(tx.txid);
    if (fee === null) return full;
    const rate = full.weight > 0 ? fee / (full.weight / 4) : 0;
    const { feeUnknown: _unknown, ...known } = full;
    return { ...known, fee, feePerVsize: rate, effectiveFeePerVsize: rate };
  };
  sayBackend(deps.backend, log);
  void lookups.probe().then(() => sayPlan(lookups, log));

  // What the heartbeat cannot say when the database refuses it: the flushes failing (statusFile.ts).
  const status = StatusFile.in(s.dataDir);
  if (!deps.dryRun) status.open();
  const writeStatus = (stopped = false) =>
    status.write({
      pid: process.pid,
      run_id: deps.runId,
      updated_at: new Date(clock.now()).toISOString(),
      flush: {
        failing_since: store.stats.failingSince,
        last_error: store.stats.lastFlushError,
        pending_rows: store.pending,
        dropped_rows: store.stats.droppedRows,
      },
      stopped,
    });
  const flushLog = new LogBudget(6, 3_600_000);
  const tasks = new PeriodicTasks(log);
  const flushTask: PeriodicTask = {
    name: 'flush',
    everyMs: s.whaleFlushIntervalMs,
    run: () =>
      store
        .flush()
        .catch((err: unknown) => {
          const b = flushLog.take();
          if (b.log)
            log.error(
              { err: (err as Error).message, pending: store.pending, suppressed: b.suppressed },
              'whale flush failed; rows kept in memory for the next flush',
            );
          events.emit('flushFailed', err as Error, store.pending);
        })
        .finally(() => writeStatus()),
  };
  const sink: WhaleSink = {
    prediction(row, info) {
      store.prediction(row, info.alert);
      events.emit('prediction', row, info);
      logPrediction(log, row, info.alert);
      if (store.pending >= FLUSH_AT_ROWS) void tasks.runNow(flushTask);
    },
    outcomes(rows) {
      store.outcome(rows);
      events.emit('outcomes', rows);
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
    clock,
  });
  const catchUp = new CatchUp({
    lookups,
    complete,
    watcher,
    log,
    budgetMs: s.whaleCatchupBudgetSec * 1000,
    retryMs: CATCHUP_RETRY_MS,
    signal: halt.signal,
    onPass: (stats) => events.emit('catchUp', stats),
    clock,
  });
  const reconciler = new Reconciler({
    tracker,
    lookups,
    sink,
    log,
    timeoutMs: s.whaleOutcomeTimeoutMin * 60_000,
    clock,
  });

  let everConnected = false;
  const onHandlerError = (err: unknown) =>
    log.error({ err: (err as Error).message }, 'whale handler failed on a message; continuing');
  const stream: MempoolStreamSource = deps.stream
    ? deps.stream(onHandlerError)
    : new MempoolStream({ url: s.mempoolWsUrl, connectTimeoutMs: s.sourceTimeoutMs, onHandlerError });
  const connectLog = new LogBudget(10, 3_600_000);
  const liveness = new Liveness(() => clock.now(), startedAt);
  stream.on('*', (ev) => {
    liveness.see(ev);
    watcher.handle(ev);
    events.emit('event', ev);
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

  const memory = new MemoryGuard({
    warnMb: s.whaleMemoryWarnMb,
    maxMb: s.whaleMemoryMaxMb,
    log,
    shed: () => prevouts.clearCache(),
  });
  /** The heartbeat row health-check grades; `stopped` on the last one of a run stopped on purpose. */
  const beat = (stopped = false) =>
    store.heartbeat({
      runId: deps.runId,
      pid: process.pid,
      startedAt,
      beatAt: new Date(clock.now()),
      connected: stream.connected,
      tracked: watcher.following,
      messages: stream.stats.messages,
      gaps: watcher.stats.gaps,
      whales: watcher.stats.whales,
      flowsLabelled,
      caughtUp: catchUp.stats.fetched,
      connectedSince: liveness.connectedSince,
      disconnectedSince: liveness.disconnectedSince,
      lastDeltaAt: liveness.lastDeltaAt,
      stopped,
      mempoolVersion: deps.backend?.version ?? null,
      mempoolBackend: deps.backend ? (deps.backend.backend ?? 'unknown (older than v3.0)') : null,
      lookups: JSON.stringify(lookups.health()),
      rssMb: Math.round(memory.rssMb() * 10) / 10,
    });
  /** The whale guide's system_metrics: memory_usage_mb among them. */
  const sample = () => {
    const at = new Date(clock.now());
    const m = (name: string, value: number) => ({ runId: deps.runId, at, name, value });
    store.metrics([
      m('memory_usage_mb', Math.round(memory.rssMb() * 10) / 10),
      m('tracked_whales', watcher.following),
      m('ws_connected', stream.connected ? 1 : 0),
      m('messages_received', stream.stats.messages),
      m('pending_rows', store.pending),
      m('catch_up_fetched', catchUp.stats.fetched),
    ]);
  };
  const accuracyAlert = async (): Promise<AccuracyCheck | undefined> => {
    try {
      return await checkAccuracyAlert(
        s,
        deps.alerts,
        { warnBelow: s.whaleAccuracyWarn, critBelow: s.whaleAccuracyCrit },
        log,
        clock.now(),
      );
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'accuracy check failed');
      return undefined;
    }
  };
  const heartbeatTask: PeriodicTask = {
    name: 'heartbeat',
    everyMs: s.whaleHeartbeatSec * 1000,
    run: () => {
      beat();
      return tasks.runNow(flushTask);
    },
  };
  const outcomeTask: PeriodicTask = {
    name: 'outcome-timeouts',
    everyMs: Math.min(60_000, s.whaleOutcomeTimeoutMin * 60_000),
    run: () => reconciler.checkTimeouts(),
  };
  const statusTask: PeriodicTask = {
    name: 'status-log',
    everyMs: STATUS_LOG_MS,
    run: () =>
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
  };
  const accuracyTask: PeriodicTask = { name: 'accuracy-alert', everyMs: ACCURACY_CHECK_MS, run: accuracyAlert };
  const metricsTask: PeriodicTask = { name: 'system-metrics', everyMs: METRICS_MS, run: sample };
  const memoryTask: PeriodicTask = {
    name: 'memory',
    everyMs: MEMORY_CHECK_MS,
    run: () => {
      if (memory.check() === 'restart') events.emit('restart', 'memory above WHALE_MEMORY_MAX_MB');
    },
  };

  stream.start();
  for (const t of [flushTask, heartbeatTask, outcomeTask, statusTask, metricsTask, memoryTask]) tasks.add(t);
  if (!deps.dryRun) tasks.add(accuracyTask);
  beat();
  sample();
  void tasks.runNow(flushTask);
  void tasks.runNow(outcomeTask);

  let settle!: (r: Promise<WhaleWatchResult>) => void;
  const done = new Promise<WhaleWatchResult>((resolve) => (settle = resolve));

  /**
   * The shutdown, in order: no new periodic turns; the catch-up and its lookups stopped; the stream
   * closed (no new whales); the catch-up pass under way ended; the whales detected last labelled
   * (for at most one request's timeout); the timeout checks ended; a last heartbeat; every queued
   * row written; the accuracy check; the sources' connections closed.
   */
  async function shutdown(): Promise<WhaleWatchResult> {
    log.info('Stopping whale-watch: flushing pending rows');
    await tasks.stop();
    halt.abort();
    watcher.close();
    await stream.close();
    await catchUp.idle();
    const grace = setTimeout(() => stopLabels.abort(), s.sourceTimeoutMs);
    await watcher.labelling.idle();
    clearTimeout(grace);
    await reconciler.idle();
    beat(true);
    let flushError: Error | undefined;
    // The database may be refusing writes for a moment (a full disk being cleared): a few tries.
    for (const wait of [0, 1_000, 2_000]) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      try {
        await store.flushAll();
        flushError = undefined;
        break;
      } catch (err) {
        flushError = err as Error;
      }
    }
    writeStatus(true);
    status.close();
    const accuracy = deps.dryRun || flushError ? undefined : await accuracyAlert();
    for (const close of closers) await close().catch(() => undefined);
    return {
      dryRun: deps.dryRun,
      everConnected,
      flushError,
      accuracy,
      ...describe(accuracy),
    };
  }

  function describe(accuracy: AccuracyCheck | undefined): Pick<WhaleWatchResult, 'document' | 'summary'> {
    const w = watcher.stats;
    const c = catchUp.stats;
    return {
      document: {
        dry_run: deps.dryRun,
        connected: everConnected,
        messages: stream.stats.messages,
        reconnects: Math.max(0, stream.stats.connects - 1),
        whales: w.whales,
        tracked: watcher.following,
        flows_labelled: flowsLabelled,
        watcher: w,
        catch_up: c,
        prevouts: prevouts.stats,
        lookups: lookups.health(),
        store: store.stats,
        reconcile: reconciler.stats,
        accuracy_7d: accuracy?.stats.accuracy ?? null,
        accuracy_level: accuracy?.level ?? null,
      },
      summary:
        `Whale watch ${deps.dryRun ? '(dry run) ' : ''}finished: ${w.whales} whales ` +
        `(${c.whales} found catching up, ${c.fetched} transactions caught up), ` +
        `${w.confirmed + c.confirmedAway} confirmed, ${w.replaced + w.conflicts} replaced, ` +
        `${w.dropped + c.droppedAway} dropped, ${w.gaps} gaps, ${watcher.following} still followed`,
    };
  }

  return {
    events,
    get tasks() {
      return tasks.names();
    },
    done,
    stop() {
      if (!stopping) {
        stopping = shutdown();
        settle(stopping);
      }
      return stopping;
    },
  };
}

/** mempool's version and backend, said once at start; a backend that sends no deltas is a clear warning. */
function sayBackend(info: BackendInfo | null | undefined, log: Logger): void {
  if (info === undefined) return;
  if (info === null) {
    log.warn('mempool /api/v1/backend-info could not be read: its version and backend are unknown');
    return;
  }
  const fields = { mempool_version: info.version, mempool_backend: info.backend, core: info.coreVersion };
  if (!sendsDeltas(info)) {
    log.warn(
      fields,
      `mempool backend ${info.version} is older than v3.0: it ignores {"track-mempool": true} and sends no ` +
        'mempool-transactions, so whale-watch sees no new transactions until mempool is upgraded',
    );
    return;
  }
  const prevouts =
    info.backend === 'esplora'
      ? 'spent outputs come inline'
      : 'spent outputs are null in its messages (looked up, see the lookups)';
  log.info(fields, `mempool backend ${info.version} (${info.backend ?? 'backend not given'}): ${prevouts}`);
}

/** Which lookup serves what, said once the probes are in. */
function sayPlan(lookups: WhaleLookups, log: Logger): void {
  const p = lookups.plan();
  const list = (names: string[]) => (names.length ? names.join(' → ') : 'none');
  log.info(
    { lookups: lookups.health().map((h) => ({ name: h.name, url: h.label, up: h.up })), plan: p },
    `Lookups: spent outputs ${list(p.spent_outputs)}; mempool listing ${list(p.listing)}; statuses ${list(p.status)}`,
  );
  if (p.listing.length === 0)
    log.warn(
      'no lookup can list the mempool: whale-watch cannot catch up at start or after a reconnect; ' +
        'set ELECTRS_API_URL, or give it Bitcoin Core (BITCOIN_RPC_URL and its cookie or user)',
    );
}
