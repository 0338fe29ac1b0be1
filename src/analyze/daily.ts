import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import { priceWindow, type OracleResult } from '../oracle/price.js';
import { WindowAccumulator } from '../oracle/windowAccumulator.js';
import type { Entry } from '../summary/codec.js';
import { EARLIEST_DATE, dateWindow, heightsOf, type TimeAt } from '../oracle/window.js';
import { withPriceDb } from '../store/databases.js';
import { inTransaction, queryRows, releaseSharedDatabases } from '../store/duckdb.js';
import type { BlockRef, BlockSource } from '../sources/types.js';
import type { BlockCache } from '../summary/blockCache.js';
import type { Summarizer } from '../summary/summarizer.js';
import { cacheResolved, loadWindow, type LoadStats } from './loadWindow.js';
import { assertFinite } from './priceRow.js';
import { resultColumns } from './resultColumns.js';

const DAY = 86_400;

/** A block-time reader for the window search, remembering what it has read this run. */
export function blockTimes(source: BlockSource): TimeAt {
  const seen = new Map<number, number>();
  return async (height) => {
    const hit = seen.get(height);
    if (hit !== undefined) return hit;
    const [ref] = await source.getBlockRefs([height]);
    seen.set(height, ref!.time);
    return ref!.time;
  };
}

/** Where a window's blocks come from: the node, the block cache, and the parser threads. */
export interface WindowSources {
  source: BlockSource;
  cache: BlockCache;
  summarizer: Summarizer;
}

export interface DayPrice {
  date: string;
  result: OracleResult;
  lastHash: string;
  stats: LoadStats;
}

/** The consensus price of one UTC day (oracle.md §1 date mode). */
export async function priceDay(
  date: string,
  blocks: WindowSources,
  log: Logger,
  signal?: AbortSignal,
): Promise<DayPrice> {
  const tip = await blocks.source.getTipHeight();
  const window = await dateWindow(date, tip, blockTimes(blocks.source));
  const refs = await blocks.source.getBlockRefs(heightsOf(window));
  const { result, stats } = await priceRefs(blocks, refs, log, signal);
  return { date, result, lastHash: refs.at(-1)!.hash, stats };
}

/** Streams the blocks `refs` names through the same-day rule, then prices the window. */
export async function priceRefs(
  blocks: WindowSources,
  refs: readonly BlockRef[],
  log: Logger,
  signal?: AbortSignal,
): Promise<{ result: OracleResult; stats: LoadStats }> {
  releaseSharedDatabases(); // the window may take a while to fetch: no database held meanwhile
  const acc = new WindowAccumulator<Entry>();
  let stats: LoadStats;
  let result: OracleResult;
  try {
    stats = await loadWindow(blocks.source, refs, blocks.cache, blocks.summarizer, log, acc, signal);
    result = priceWindow(acc);
  } finally {
    blocks.cache.closeReaders();
  }
  cacheResolved(acc, blocks.cache);
  return { result, stats };
}

export function dailyRow(day: DayPrice, runId: string, now: Date): Record<string, string | number> {
  return {
    date: day.date,
    price: day.result.price,
    ...resultColumns(day.result),
    last_hash: day.lastHash,
    computed_at: now.toISOString(),
    run_id: runId,
  };
}

const TIMESTAMP_COLS = new Set(['first_time', 'last_time', 'computed_at']);

/** Upserts the day's row (one row per date) in one transaction. */
export async function saveDailyRow(
  s: Readonly<Settings>,
  row: Record<string, string | number>,
  log: Logger,
): Promise<void> {
  assertFinite(row, `daily_prices row ${row.date}`);
  const cols = Object.keys(row);
  const params = cols.map((c, i) =>
    c === 'date' ? `$${i + 1}::DATE` : TIMESTAMP_COLS.has(c) ? `$${i + 1}::TIMESTAMP` : `$${i + 1}`,
  );
  await withPriceDb(
    s,
    (conn) =>
      inTransaction(conn, () =>
        conn.run(
          `INSERT OR REPLACE INTO daily_prices (${cols.join(', ')}) VALUES (${params.join(', ')})`,
          Object.values(row),
        ),
      ),
    { logger: log, retries: 6 },
  );
}

export function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

/**
 * The newest UTC day the chain has finished (the reference needs time(tip-6) past its end),
 * and up to `older` days before it; never before the reference's earliest date.
 */
export async function finishedDays(source: BlockSource, older: number): Promise<string[]> {
  const tip = await source.getTipHeight();
  const [ref] = await source.getBlockRefs([tip - 6]);
  const midnight = Math.floor(ref!.time / DAY) * DAY;
  const days: string[] = [];
  for (let i = 1; i <= older + 1; i++) {
    const d = isoDate(midnight - i * DAY);
    if (d >= EARLIEST_DATE) days.push(d);
  }
  return days;
}

export async function existingDays(s: Readonly<Settings>, days: string[], log: Logger): Promise<Set<string>> {
  if (days.length === 0) return new Set();
  const rows = await withPriceDb(
    s,
    (conn) =>
      queryRows(
        conn,
        `SELECT strftime(date, '%Y-%m-%d') AS d FROM daily_prices WHERE date IN (${days.map((_, i) => `$${i + 1}::DATE`).join(', ')})`,
        days,
      ),
    { logger: log, retries: 6 },
  );
  return new Set(rows.map((r) => String(r.d)));
}

/** Every date from `from` to `to` inclusive, YYYY-MM-DD. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY * 1000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
