// Batched writes to the whale database. Rows queue in memory and a flush opens the database, writes
// them in one transaction and closes it again, so DuckDB's single-writer lock is held only for the
// flush and cron jobs (backup, archive, health-check) get in between.
//
// Alert-once: a whale is alerted only when its prediction row is inserted by this flush, i.e. its
// txid was not in mempool_predictions before. The row is committed before the webhook is called, so
// a crash or restart can never alert the same txid twice (at most once; the `alerted` column and
// alert_events then record whether the delivery succeeded, in the next flush).
import type { DeliveryResult } from '../alerts/event.js';
import { recordAlert } from '../store/alertEvents.js';
import { StoreError, describeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { withWhaleDb, type DatabasePaths } from '../store/databases.js';
import { inTransaction, queryRows, type DuckDBConnection } from '../store/duckdb.js';
import type { HeartbeatRow, MetricRow, OutcomeRow, PredictionRow } from './rows.js';
import { insertHeartbeat, insertMetrics, insertPredictions, markAlerted, upsertOutcomes } from './sql.js';

export interface WhaleStoreOptions {
  /** The whale database (WHALE_DB_PATH). */
  settings: Pick<DatabasePaths, 'whaleDbPath'>;
  log: Logger;
  dryRun: boolean;
  /** Delivers the alerts for newly inserted whales (after the database is closed again). */
  alert: (rows: PredictionRow[]) => Promise<DeliveryResult[]>;
  /** Rows kept while the database is unavailable; beyond it the oldest are dropped and counted. */
  maxPending?: number;
}

export interface StoreStats {
  flushes: number;
  failedFlushes: number;
  predictionsWritten: number;
  outcomesWritten: number;
  alertsSent: number;
  alertsFailed: number;
  /** Detections of a txid already in the database (a restart, a re-broadcast): not written, not alerted. */
  alreadyKnown: number;
  droppedRows: number;
  /** Since when flushes fail (null: the last one succeeded); health-check shows it (statusFile.ts). */
  failingSince: string | null;
  lastFlushError: string | null;
}

interface Queued {
  row: PredictionRow;
  alert: boolean;
}

export class WhaleStore {
  readonly stats: StoreStats = {
    flushes: 0,
    failedFlushes: 0,
    predictionsWritten: 0,
    outcomesWritten: 0,
    alertsSent: 0,
    alertsFailed: 0,
    alreadyKnown: 0,
    droppedRows: 0,
    failingSince: null,
    lastFlushError: null,
  };
  private predictions: Queued[] = [];
  private metricRows: MetricRow[] = [];
  private outcomes = new Map<string, OutcomeRow>();
  private heartbeatRow: HeartbeatRow | undefined;
  private deliveries: { txid: string; result: DeliveryResult }[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: WhaleStoreOptions) {}

  get pending(): number {
    return this.predictions.length + this.outcomes.size;
  }

  prediction(row: PredictionRow, alert: boolean): void {
    this.predictions.push({ row, alert });
    const max = this.o.maxPending ?? 200_000;
    if (this.predictions.length > max)
      this.stats.droppedRows += this.predictions.splice(0, this.predictions.length - max).length;
  }

  outcome(rows: OutcomeRow[]): void {
    // Later news about a txid replaces earlier news not yet written (an interim `replaced` row, say).
    for (const r of rows) {
      this.outcomes.delete(r.txid);
      this.outcomes.set(r.txid, r);
    }
    // Bounded like the predictions while the database is away (a long outage must not grow memory).
    const max = this.o.maxPending ?? 200_000;
    while (this.outcomes.size > max) {
      this.outcomes.delete(this.outcomes.keys().next().value as string);
      this.stats.droppedRows++;
    }
  }

  heartbeat(row: HeartbeatRow): void {
    this.heartbeatRow = row;
  }

  /** system_metrics samples, written with the next flush (the oldest dropped past 10,000 while the database is away). */
  metrics(rows: MetricRow[]): void {
    this.metricRows.push(...rows);
    if (this.metricRows.length > 10_000) this.metricRows.splice(0, this.metricRows.length - 10_000);
  }

  /** Writes everything queued; flushes run one after another. Throws StoreError when the write failed (rows stay queued). */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The final flush at shutdown: the rows, then the delivery records of the alerts that flush sent. */
  async flushAll(): Promise<void> {
    await this.flush();
    if (this.deliveries.length > 0 || this.pending > 0) await this.flush();
  }

  private async flushOnce(): Promise<void> {
    const preds = this.predictions;
    const outs = [...this.outcomes.values()];
    const beat = this.heartbeatRow;
    const deliveries = this.deliveries;
    const metrics = this.metricRows;
    if (preds.length === 0 && outs.length === 0 && !beat && deliveries.length === 0 && metrics.length === 0) return;
    this.predictions = [];
    this.outcomes = new Map();
    this.heartbeatRow = undefined;
    this.deliveries = [];
    this.metricRows = [];
    if (this.o.dryRun) {
      for (const q of preds) if (q.alert) this.o.log.info({ txid: q.row.txid }, '[DRY-RUN] Would alert whale');
      this.o.log.info({ predictions: preds.length, outcomes: outs.length }, '[DRY-RUN] Would save whale rows');
      return;
    }
    let inserted: Queued[];
    try {
      inserted = await withWhaleDb(
        this.o.settings,
        (conn) => inTransaction(conn, () => this.write(conn, preds, outs, beat, deliveries, metrics)),
        {
          logger: this.o.log,
          retries: 5,
        },
      );
    } catch (err) {
      // Put everything back (newer queued rows stay after the older ones) and let the caller decide.
      this.predictions = [...preds, ...this.predictions];
      for (const r of outs) if (!this.outcomes.has(r.txid)) this.outcomes.set(r.txid, r);
      this.heartbeatRow ??= beat;
      this.deliveries = [...deliveries, ...this.deliveries];
      this.metricRows = [...metrics, ...this.metricRows].slice(-10_000);
      this.stats.failedFlushes++;
      this.stats.failingSince ??= new Date().toISOString();
      this.stats.lastFlushError = describeError(err);
      throw err instanceof StoreError
        ? err
        : new StoreError(`whale database write failed: ${describeError(err)}`, this.o.settings.whaleDbPath, {
            cause: err,
          });
    }
    this.stats.flushes++;
    this.stats.failingSince = null;
    this.stats.lastFlushError = null;
    this.stats.predictionsWritten += inserted.length;
    this.stats.outcomesWritten += outs.length;
    const toAlert = inserted.filter((q) => q.alert).map((q) => q.row);
    if (toAlert.length === 0) return;
    const results = await this.o.alert(toAlert);
    for (const [i, result] of results.entries()) {
      if (result.delivered) this.stats.alertsSent++;
      else this.stats.alertsFailed++;
      this.deliveries.push({ txid: toAlert[i]!.txid, result });
    }
  }

  private async write(
    conn: DuckDBConnection,
    preds: Queued[],
    outs: OutcomeRow[],
    beat: HeartbeatRow | undefined,
    deliveries: { txid: string; result: DeliveryResult }[],
    metrics: MetricRow[],
  ): Promise<Queued[]> {
    const fresh = await this.freshOnly(conn, preds);
    await insertPredictions(
      conn,
      fresh.map((q) => q.row),
    );
    await upsertOutcomes(conn, outs);
    if (beat) await insertHeartbeat(conn, beat);
    await insertMetrics(conn, metrics);
    for (const d of deliveries) if (d.result.attempts > 0) await recordAlert(conn, d.result);
    await markAlerted(
      conn,
      deliveries.filter((d) => d.result.delivered).map((d) => d.txid),
    );
    return fresh;
  }

  /** The queued predictions whose txid is neither already stored nor repeated earlier in the batch. */
  private async freshOnly(conn: DuckDBConnection, preds: Queued[]): Promise<Queued[]> {
    const known = new Set<string>();
    for (let i = 0; i < preds.length; i += 500) {
      const ids = preds.slice(i, i + 500).map((q) => q.row.txid);
      const rows = await queryRows(
        conn,
        `SELECT txid FROM mempool_predictions WHERE txid IN (${ids.map((_, j) => `$${j + 1}`).join(',')})`,
        ids,
      );
      for (const r of rows) known.add(r.txid as string);
    }
    const out: Queued[] = [];
    for (const q of preds) {
      if (known.has(q.row.txid)) {
        this.stats.alreadyKnown++;
        continue;
      }
      known.add(q.row.txid);
      out.push(q);
    }
    return out;
  }
}
