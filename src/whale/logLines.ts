// What whale-watch says in its log about the exchange list and each detection: kept apart so the
// job file reads as the order of the steps. A long-running process says each thing once.
import type { Logger } from '../log/logger.js';
import { loadExchangeBook, type ExchangeBook } from './exchanges.js';
import type { PredictionRow } from './rows.js';

/** The exchange list, said once at start (whale-watch runs for months; health-check shows it too). */
export function loadBook(file: string | undefined, log: Logger): ExchangeBook {
  const book = loadExchangeBook(file);
  if (file === undefined) log.warn('EXCHANGE_ADDRESSES_FILE is not set: every whale will be labelled flow "unknown"');
  else log.info({ file, addresses: book.byAddress.size, exchanges: book.exchanges.size }, 'Exchange addresses loaded');
  for (const w of book.warnings.slice(0, 10)) log.warn(`EXCHANGE_ADDRESSES_FILE: ${w}`);
  return book;
}

export function logPrediction(log: Logger, row: PredictionRow, alert: boolean): void {
  if (alert)
    log.info(
      {
        txid: row.txid,
        btc: row.totalBtc,
        flow: row.flow,
        exchanges: row.exchanges,
        prevouts_known: row.prevoutsKnown,
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
}
