// Many days in a row (range mode, the cron run's finished-day fill): the next day's window is
// found and fetched while the current one is priced and saved, so the node, the parser threads
// and the database are busy at once instead of in turn.
import { UtxoracleError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { loadDay, priceLoadedDay, type DayPrice, type LoadedDay } from './daily.js';
import type { HeaderIndex } from './headerIndex.js';
import type { WindowSources } from './loadWindow.js';

export type DayOutcome =
  | { date: string; day: DayPrice }
  /** `phase`: finding and loading the window, or pricing it. */
  | { date: string; error: UtxoracleError; phase: 'load' | 'price' };

export interface DayLoopHooks {
  /**
   * A day's window is loaded and nothing else is being loaded: the moment to drop cache entries
   * no window needs (the job prunes the block cache here).
   */
  loaded?(day: LoadedDay): void;
  /** The day's outcome (save it, report it); awaited before the day after next is started. */
  done(outcome: DayOutcome): Promise<void>;
}

/**
 * Prices `dates` in the order given, one day ahead: day i+1 is loaded (its search, its blocks
 * fetched and summarised) while day i is priced and `done` saves it. At most two windows are held
 * at once. A day that fails with one of our errors is an outcome; anything else stops the loop.
 */
export async function priceDays(
  dates: readonly string[],
  win: WindowSources,
  headers: HeaderIndex,
  log: Logger,
  hooks: DayLoopHooks,
  signal?: AbortSignal,
): Promise<void> {
  const start = (date: string): Promise<LoadedDay> => {
    const p = loadDay(date, win, headers, log, signal);
    p.catch(() => undefined); // awaited in turn below
    return p;
  };
  let next = dates.length > 0 ? start(dates[0]!) : undefined;
  for (let i = 0; i < dates.length; i++) {
    const date = dates[i]!;
    signal?.throwIfAborted();
    let loaded: LoadedDay | undefined;
    let outcome: DayOutcome;
    try {
      loaded = await next!;
    } catch (err) {
      if (!(err instanceof UtxoracleError)) throw err;
      outcome = { date, error: err, phase: 'load' };
    }
    if (loaded) hooks.loaded?.(loaded);
    next = i + 1 < dates.length ? start(dates[i + 1]!) : undefined;
    if (loaded) {
      try {
        outcome = { date, day: priceLoadedDay(win, loaded) };
      } catch (err) {
        if (!(err instanceof UtxoracleError)) throw err;
        outcome = { date, error: err, phase: 'price' };
      }
    }
    await hooks.done(outcome!);
  }
}
