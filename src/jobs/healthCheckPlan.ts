import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import type { Clock } from '../lib/clock.js';
import type { BlockSource, IndexSource, PriceSource } from '../sources/types.js';
import { checkBitcoind } from '../health/checks/bitcoind.js';
import { checkDbSize, checkDivergence, checkPriceAge, checkPriceValidity } from '../health/checks/database.js';
import { checkTipAge } from '../health/checks/tipAge.js';
import { checkDisk, fsUsage, type FsUsage } from '../health/checks/disk.js';
import { checkElectrs } from '../health/checks/electrs.js';
import { checkAnalyzeRuns, checkBackupAge, runsWindow } from '../health/checks/jobs.js';
import { checkWhaleWatch } from '../health/checks/whale.js';
import { readStatus } from '../whale/statusFile.js';
import { checkMempool } from '../health/checks/mempool.js';
import { readPriceDb, readWhaleDb } from '../health/snapshot.js';
import type { CheckDef } from '../health/types.js';

/** What the checks talk to; the job builds the real clients, tests may pass stubs. */
export interface HealthDeps {
  bitcoind: Pick<BlockSource, 'getBlockchainInfo'>;
  /** The header time of a block by hash (the tip's, when getblockchaininfo has no `time`). */
  blockTime: (hash: string) => Promise<number>;
  /** The index servers configured, in the order they are tried (none: Core alone). */
  indexes: readonly IndexSource[];
  /** mempool's exchange price; undefined: MEMPOOL_API_URL=none. */
  prices: PriceSource | undefined;
  fsUsage?: (dir: string) => Promise<FsUsage>;
}

/** Calls fn once, on first use, and hands every caller the same promise. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

/**
 * The checks, in the order the report lists them. Bitcoin Core is asked once for both its own
 * check and electrs' lag; each database is opened once (read-only) for all the checks it feeds.
 */
export function planChecks(settings: Readonly<Settings>, deps: HealthDeps, log: Logger, clock: Clock): CheckDef[] {
  const h = settings.health;
  const nowMs = () => clock.now();
  const nowSec = () => nowMs() / 1000;
  const coreInfo = once(() => deps.bitcoind.getBlockchainInfo());
  const interval = settings.analysisIntervalMinutes;
  const priceDb = once(() =>
    readPriceDb(settings.duckdbPath, {
      log,
      nowMs: nowMs(),
      runsWindowSec: runsWindow(interval).windowSec,
      validity: settings,
      divergenceRuns: h.divergenceRuns,
    }),
  );
  const whaleDb = once(() => readWhaleDb(settings.whaleDbPath, { log, nowMs: nowMs() }));
  return [
    { key: 'bitcoind', label: 'Bitcoin Core RPC', timeoutState: 'CRIT', run: () => checkBitcoind(coreInfo) },
    {
      key: 'tip_age',
      label: 'Node tip',
      timeoutState: 'WARN',
      run: () => checkTipAge(coreInfo, deps.blockTime, h, nowSec()),
    },
    {
      key: 'electrs',
      label: 'electrs',
      timeoutState: 'CRIT',
      run: () => checkElectrs(deps.indexes, () => coreInfo().then((i) => i.blocks), h, clock),
    },
    {
      key: 'mempool',
      label: 'mempool API',
      timeoutState: 'CRIT',
      run: () => checkMempool(deps.prices, { ...h, priceMaxAgeSec: settings.mempoolPriceMaxAgeSec }, clock),
    },
    {
      key: 'db_size',
      label: 'Price database size',
      timeoutState: 'WARN',
      run: () => checkDbSize(settings.duckdbPath, h),
    },
    {
      key: 'price_age',
      label: 'Latest price',
      timeoutState: 'WARN',
      run: async () => checkPriceAge(await priceDb(), h, nowSec()),
    },
    {
      key: 'price_validity',
      label: 'Price validity',
      timeoutState: 'WARN',
      run: async () => checkPriceValidity(await priceDb(), h),
    },
    {
      key: 'price_divergence',
      label: 'Price divergence',
      timeoutState: 'WARN',
      run: async () => checkDivergence(await priceDb(), h),
    },
    {
      key: 'analyze_runs',
      label: 'analyze runs',
      timeoutState: 'WARN',
      run: async () => checkAnalyzeRuns(await priceDb(), h, nowSec(), interval),
    },
    {
      key: 'backup_age',
      label: 'Backups',
      timeoutState: 'WARN',
      run: async () => checkBackupAge(await priceDb(), h, nowSec()),
    },
    {
      key: 'whale_heartbeat',
      label: 'whale-watch',
      timeoutState: 'WARN',
      run: async () =>
        checkWhaleWatch(
          await whaleDb(),
          readStatus(settings.dataDir),
          h,
          { warnMb: settings.whaleMemoryWarnMb, maxMb: settings.whaleMemoryMaxMb },
          nowSec(),
        ),
    },
    {
      key: 'disk',
      label: 'Disk',
      timeoutState: 'WARN',
      run: () => checkDisk(settings.dataDir, h, deps.fsUsage ?? fsUsage),
    },
  ];
}
