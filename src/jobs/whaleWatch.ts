// whale-watch: follow mempool's WebSocket for whale transactions, label and predict them, write them
// in batches, alert once per whale, and settle each prediction (mined, replaced, dropped, or through
// electrs after a gap or the timeout). Runs until --duration elapses or SIGTERM/SIGINT, then flushes
// what is queued and exits 0; cron restarts it every minute under flock.
import fs from 'node:fs';
import type { DeliveryResult } from '../alerts/webhook.js';
import { EXIT } from '../errors.js';
import { MempoolStream, type StreamEvent } from '../sources/mempool/stream.js';
import { createEsploraClient } from '../sources/esplora/client.js';
import type { EsploraSource } from '../sources/types.js';
import { withWhaleDb } from '../store/databases.js';
import { alertWhales } from '../whale/alert.js';
import { checkAccuracyAlert } from '../whale/accuracyAlert.js';
import { btcToSats } from '../whale/detect.js';
import { loadExchangeBook } from '../whale/exchanges.js';
import { loadPending } from '../whale/queries.js';
import { Reconciler } from '../whale/reconcile.js';
import type { PredictionRow } from '../whale/rows.js';
import { WhaleStore } from '../whale/store.js';
import { WhaleTracker } from '../whale/tracker.js';
import { WhaleWatcher } from '../whale/watcher.js';
import type { JobContext, JobOutcome } from './context.js';

export interface WhaleWatchOptions {
  /** Bounded run (--duration); undefined runs until a signal. */
  durationMs?: number;
}

export interface WhaleWatchDeps {
  esplora?: EsploraSource;
  /** Observes each detection as it happens (the bench measures latency here). */
  onPrediction?: (row: PredictionRow, info: { alert: boolean; sequence: number }) => void;
  /** Replaces webhook delivery (tests); default: the signed webhook. */
  alert?: (rows: PredictionRow[]) => Promise<DeliveryResult[]>;
  /** Sees each stream event after the watcher handled it (tests wait on sequences with it). */
  onEvent?: (ev: StreamEvent) => void;
}

/** Queued rows that trigger a flush before the interval. */
const FLUSH_AT_ROWS = 1_000;

export async function runWhaleWatch(
  opts: WhaleWatchOptions,
  ctx: JobContext,
  deps: WhaleWatchDeps = {},
): Promise<JobOutcome> {
  const { settings: s, log } = ctx;
  const startedAt = new Date();
  const book = loadExchangeBook(s.exchangeAddressesFile);
  if (s.exchangeAddressesFile === undefined)
    log.warn('EXCHANGE_ADDRESSES_FILE is not set: every whale will be labelled flow "unknown"');
  else
    log.info(
      { file: s.exchangeAddressesFile, addresses: book.byAddress.size, exchanges: book.exchanges.size },
      'Exchange addresses loaded',
    );
  for (const w of book.warnings.slice(0, 10)) log.warn(`EXCHANGE_ADDRESSES_FILE: ${w}`);
  const thresholdSats = btcToSats(s.whaleThresholdBtc);

  const tracker = new WhaleTracker(s.whaleMaxTracked);
  const store = new WhaleStore({
    settings: s,
    log,
    dryRun: ctx.dryRun,
    alert: deps.alert ?? ((rows) => alertWhales(s, log, rows)),
  });
  for (const t of await loadPendingSafely(ctx)) tracker.add(t);
  if (tracker.size > 0) log.info({ pending: tracker.size }, 'Following whales still pending from earlier runs');

  const esplora =
    deps.esplora ?? createEsploraClient({ url: s.electrsApiUrl, timeoutMs: s.sourceTimeoutMs, retries: 1 });
  const sink = {
    prediction(row: PredictionRow, info: { alert: boolean; sequence: number }) {
      store.prediction(row, info.alert);
      deps.onPrediction?.(row, info);
      if (info.alert)
        log.info(
          {
            txid: row.txid,
            btc: row.totalBtc,
            flow: row.flow,
            exchanges: row.exchanges,
            fee_rate: row.feeRate,
            urgency: row.urgency,
            predicted_height: row.predictedHeight,
          },
          `Whale detected: ${row.totalBtc} BTC (${row.flow})`,
        );
      else
        log.info(
          { txid: row.txid, replaces: row.replacesTxid, root: row.rootTxid },
          'Whale replaced (RBF); following the replacement',
        );
      if (store.pending >= FLUSH_AT_ROWS) flushSoon();
    },
    outcomes(rows: Parameters<WhaleStore['outcome']>[0]) {
      store.outcome(rows);
    },
  };
  const reconciler = new Reconciler({ tracker, esplora, sink, log, timeoutMs: s.whaleOutcomeTimeoutMin * 60_000 });
  const watcher = new WhaleWatcher({
    thresholdSats,
    book,
    tracker,
    sink,
    log,
    onGap: () => void reconciler.reconcileAll(),
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
      beatAt: new Date(),
      connected,
      tracked: tracker.size,
      messages: stream.stats.messages,
      gaps: watcher.stats.gaps,
      whales: watcher.stats.whales,
    });

  let everConnected = false;
  const stream = new MempoolStream({
    url: s.mempoolWsUrl,
    connectTimeoutMs: s.sourceTimeoutMs,
    onHandlerError: (err) =>
      log.error({ err: (err as Error).message }, 'whale handler failed on a message; continuing'),
  });
  stream.on('*', (ev) => {
    watcher.handle(ev);
    deps.onEvent?.(ev);
  });
  stream.on('connected', (ev) => {
    everConnected = true;
    log.info({ url: ev.url, attempt: ev.attempt }, 'Connected to mempool WebSocket');
  });
  stream.on('disconnected', (ev) =>
    log.warn({ reason: ev.reason, retry_in_ms: ev.retryInMs }, 'mempool WebSocket disconnected; reconnecting'),
  );
  ctx.defer(() => stream.close());
  stream.start();

  const timers = [
    setInterval(flushSoon, s.whaleFlushIntervalMs),
    setInterval(() => {
      beat(stream.connected);
      flushSoon();
    }, s.whaleHeartbeatSec * 1000),
    setInterval(() => void reconciler.checkTimeouts(), Math.min(60_000, s.whaleOutcomeTimeoutMin * 60_000)),
  ];
  ctx.defer(() => timers.forEach(clearInterval));
  beat(false);
  flushSoon();
  void reconciler.checkTimeouts();

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
  await stream.close();
  await reconciler.idle();
  beat(false);
  await store.flushAll(); // a failure here is a failed run: rows would be lost (exit 1)

  let accuracy: Awaited<ReturnType<typeof checkAccuracyAlert>> | undefined;
  if (!ctx.dryRun) {
    try {
      accuracy = await checkAccuracyAlert(s, log);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'accuracy check failed');
    }
  }
  const result = {
    dry_run: ctx.dryRun,
    connected: everConnected,
    messages: stream.stats.messages,
    reconnects: Math.max(0, stream.stats.connects - 1),
    whales: watcher.stats.whales,
    tracked: tracker.size,
    watcher: watcher.stats,
    store: store.stats,
    reconcile: reconciler.stats,
    accuracy_7d: accuracy?.stats.accuracy ?? null,
    accuracy_level: accuracy?.level ?? null,
  };
  const lines = [
    `Whale watch ${ctx.dryRun ? '(dry run) ' : ''}finished: ${watcher.stats.whales} whales, ${watcher.stats.confirmed} confirmed, ${watcher.stats.replaced} replaced, ${watcher.stats.dropped} dropped, ${watcher.stats.gaps} gaps, ${tracker.size} still followed`,
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
