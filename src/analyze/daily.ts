import type { Logger } from '../log/logger.js';
import type { OracleResult } from '../oracle/price.js';
import { EARLIEST_DATE, dateWindow } from '../oracle/window.js';
import { inTransaction, queryRows } from '../store/duckdb.js';
import type { HeaderIndex } from './headerIndex.js';
import { loadWindow, priceLoaded, type LoadStats, type LoadedWindow, type WindowSources } from './loadWindow.js';
import type { PriceDb } from './priceDb.js';
import { assertFinite } from './priceRow.js';
import { resultColumns } from './resultColumns.js';

const DAY = 86_400;

export interface DayPrice {
  date: string;
  tip: number;
  result: OracleResult;
  lastHash: string;
  stats: LoadStats;
}

/** A day whose window is found and loaded, not yet priced. */
export interface LoadedDay {
  date: string;
  /** The tip the search started from (tip - 6, as the reference). */
  tip: number;
  window: LoadedWindow;
}

/**
 * Finds the day's window (oracle.md §1 date mode, on header times from the run's index) and loads
 * its blocks.
 */
export async function loadDay(
  date: string,
  win: WindowSources,
  headers: HeaderIndex,
  log: Logger,
  signal?: AbortSignal,
): Promise<LoadedDay> {
  const tip = await win.source.getTipHeight();
  const { firstHeight, lastHeight } = await dateWindow(date, tip, headers.timeAt(tip));
  const refs = await headers.range(firstHeight, lastHeight, tip);
  return { date, tip, window: await loadWindow(win, refs, log, signal) };
}

/** Prices a loaded day (the oracle, on this thread). */
export function priceLoadedDay(win: WindowSources, day: LoadedDay): DayPrice {
  const result = priceLoaded(win.cache, day.window);
  return { date: day.date, tip: day.tip, result, lastHash: day.window.refs.at(-1)!.hash, stats: day.window.stats };
}

/** The consensus price of one UTC day (oracle.md §1 date mode). */
export async function priceDay(
  date: string,
  win: WindowSources,
  headers: HeaderIndex,
  log: Logger,
  signal?: AbortSignal,
): Promise<DayPrice> {
  return priceLoadedDay(win, await loadDay(date, win, headers, log, signal));
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
export async function saveDailyRow(db: PriceDb, row: Record<string, string | number>): Promise<void> {
  assertFinite(row, `daily_prices row ${row.date}`);
  const cols = Object.keys(row);
  const params = cols.map((c, i) =>
    c === 'date' ? `$${i + 1}::DATE` : TIMESTAMP_COLS.has(c) ? `$${i + 1}::TIMESTAMP` : `$${i + 1}`,
  );
  await db.use(
    (conn) =>
      inTransaction(conn, () =>
        conn.run(
          `INSERT OR REPLACE INTO daily_prices (${cols.join(', ')}) VALUES (${params.join(', ')})`,
          Object.values(row),
        ),
      ),
    { retries: 6 },
  );
}

export function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

/**
 * The newest UTC day a chain with tip `tip` has finished (the reference needs time(tip-6) past its
 * end), and up to `older` days before it (newest first); never before the reference's earliest date.
 */
export async function finishedDays(headers: HeaderIndex, tip: number, older: number): Promise<string[]> {
  const ref = await headers.ref(tip - 6, tip);
  const midnight = Math.floor(ref.time / DAY) * DAY;
  const days: string[] = [];
  for (let i = 1; i <= older + 1; i++) {
    const d = isoDate(midnight - i * DAY);
    if (d >= EARLIEST_DATE) days.push(d);
  }
  return days;
}

/** Which of `days` already have a row in daily_prices. */
export async function existingDays(db: PriceDb, days: string[]): Promise<Set<string>> {
  if (days.length === 0) return new Set();
  const rows = await db.use(
    (conn) =>
      queryRows(
        conn,
        `SELECT strftime(date, '%Y-%m-%d') AS d FROM daily_prices WHERE date IN (${days.map((_, i) => `$${i + 1}::DATE`).join(', ')})`,
        days,
      ),
    { retries: 6 },
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
