// The cron run's alert conditions, each a key that is fired while it holds and resolved when it does
// not (alerts/alerter.ts): the exchange price (mempool unreachable, or answering without a price),
// the price's validity on the oracle's own grounds, and where the row could be saved (the primary,
// the fallback, neither: FATAL). MEMPOOL_API_URL=none clears the exchange conditions.
import type { Alerter } from '../alerts/alerter.js';
import { BothWritesFailed, type SaveOutcome } from './savePrice.js';
import type { ExchangeReading } from './exchange.js';

const SUBJECT = 'mempool';

/** The exchange price's conditions; true when the run is degraded by them. */
export async function reportExchange(
  alerts: Alerter,
  reading: ExchangeReading,
  payload: Record<string, unknown>,
): Promise<boolean> {
  if (reading.state === 'unreachable') {
    await alerts.resolve('mempool_no_price', SUBJECT, 'mempool has an exchange price again', payload);
    await alerts.fire('mempool_unreachable', SUBJECT, 'warning', `mempool price unavailable: ${reading.error}`, {
      ...payload,
      error: reading.error,
    });
    return true;
  }
  await alerts.resolve('mempool_unreachable', SUBJECT, 'mempool answers again', payload);
  if (reading.state === 'no-price') {
    await alerts.fire(
      'mempool_no_price',
      SUBJECT,
      'warning',
      `mempool answers but has no exchange price: ${reading.error}`,
      {
        ...payload,
        error: reading.error,
      },
    );
    return true;
  }
  await alerts.resolve('mempool_no_price', SUBJECT, 'mempool has an exchange price again', payload);
  return false;
}

/** `price_invalid`: low confidence or a price outside MIN_PRICE_USD..MAX_PRICE_USD. */
export async function reportValidity(
  alerts: Alerter,
  reasons: string[],
  payload: Record<string, unknown>,
): Promise<void> {
  if (reasons.length)
    await alerts.fire('price_invalid', 'utxoracle', 'warning', `UTXOracle price invalid: ${reasons.join('; ')}`, {
      ...payload,
      reasons,
    });
  else await alerts.resolve('price_invalid', 'utxoracle', 'the UTXOracle price is valid again', payload);
}

/**
 * Saves the row and reports where it went: `primary_db_write_failed` while rows go to the fallback,
 * `database_write_fatal` when neither database takes it (the error is thrown on: exit 1).
 * `alerts` records in the primary's alert_events; `unrecorded` does not (the primary is what failed).
 */
export async function reportSave(
  save: () => Promise<SaveOutcome>,
  alerts: { recorded: Alerter; unrecorded: Alerter },
  payload: Record<string, unknown>,
): Promise<SaveOutcome> {
  let saved: SaveOutcome;
  try {
    saved = await save();
  } catch (err) {
    if (err instanceof BothWritesFailed)
      await alerts.unrecorded.fire(
        'database_write_fatal',
        'price_db',
        'critical',
        'FATAL: Both primary and backup DB writes failed',
        { ...payload, error: err.message },
      );
    throw err;
  }
  await alerts.unrecorded.resolve('database_write_fatal', 'price_db', 'a database takes the rows again', payload);
  if (saved.where === 'fallback') {
    await alerts.unrecorded.fire(
      'primary_db_write_failed',
      'price_db',
      'critical',
      `FALLBACK: the primary database refused the row (${saved.primaryError}); saved to ${saved.path}`,
      { ...payload, error: saved.primaryError, fallback: saved.path },
    );
  } else {
    await alerts.recorded.resolve(
      'primary_db_write_failed',
      'price_db',
      'the primary database takes the rows again',
      payload,
    );
  }
  return saved;
}
