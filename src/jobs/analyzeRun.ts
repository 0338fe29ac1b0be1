// What every analyze mode works with, made from the settings in one place (runAnalyze): the
// sources, the block cache, the run's header index, the price database handles and the alert
// sink. The job owns the database handle: it is opened on first use, kept between back-to-back
// uses, and released here, by the job, before anything that waits on the node or the webhook.
import type { Alerter } from '../alerts/alerter.js';
import { HeaderIndex } from '../analyze/headerIndex.js';
import type { WindowSources } from '../analyze/loadWindow.js';
import type { PriceDbs } from '../analyze/priceDb.js';
import type { Settings } from '../config/settings.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../log/logger.js';
import type { BlockSource } from '../sources/types.js';
import { recordAlert } from '../store/alertEvents.js';
import { withFallbackDb, withPriceDb } from '../store/databases.js';
import { releaseSharedDatabases } from '../store/duckdb.js';
import { BlockCache } from '../summary/blockCache.js';
import type { Summarizer } from '../summary/summarizer.js';

const BLOCKS_PER_DAY = 144;

export interface AnalyzeRun {
  runId: string;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  dryRun: boolean;
  win: WindowSources;
  headers: HeaderIndex;
  dbs: PriceDbs;
  /** Closes the database handle the run holds: before waiting on the node or the webhook. */
  releaseDb(): void;
  /**
   * The run's alerts, recorded in the price database's alert_events unless `record` is false (the
   * primary is what failed). The database is let go of before anything is sent.
   */
  alerts(record: boolean): Alerter;
  /**
   * The lowest height the block cache keeps between runs: BLOCK_CACHE_DAYS days of blocks below
   * the recent window (what the cron runs read), so the cache stays bounded in every mode.
   */
  cacheFloor(tip: number): number;
}

export function analyzeRun(
  s: Readonly<Settings>,
  job: { runId: string; log: Logger; signal: AbortSignal; dryRun: boolean; clock: Clock; alerts: Alerter },
  source: BlockSource,
  summarizer: Summarizer,
  direct: WindowSources['direct'],
): AnalyzeRun {
  const { log, dryRun } = job;
  const dbs: PriceDbs = {
    primary: { path: s.duckdbPath, use: (fn, o) => withPriceDb(s, fn, { logger: log, retries: o?.retries ?? 6 }) },
    fallback: {
      path: s.duckdbBackupPath,
      use: (fn, o) => withFallbackDb(s, fn, { logger: log, retries: o?.retries ?? 3 }),
    },
  };
  return {
    ...job,
    win: { source, cache: new BlockCache(s.cacheDir, log, !dryRun), summarizer, direct },
    headers: new HeaderIndex(source),
    dbs,
    releaseDb: releaseSharedDatabases,
    alerts: (record) => {
      releaseSharedDatabases(); // no database held while the webhook is tried
      return job.alerts.recordingWith(
        record && !dryRun ? (r) => dbs.primary.use((conn) => recordAlert(conn, r), { retries: 3 }) : undefined,
      );
    },
    cacheFloor: (tip) => tip - BLOCKS_PER_DAY * (s.blockCacheDays + 1),
  };
}
