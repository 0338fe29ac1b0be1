// Flow labels from the exchange address book.
//
//   exchange input  = an input whose prevout address is in the book
//   exchange output = an output whose address is in the book
//
//   inputs from an exchange, every output to an exchange      -> internal (exchange to exchange, or
//                                                                a consolidation between own wallets)
//   inputs from an exchange, some output elsewhere            -> outflow  (a withdrawal; the change
//                                                                going back does not make it internal)
//   no exchange input, some output to an exchange             -> inflow   (a deposit)
//   neither                                                   -> unknown
//
// Prevouts may be missing (the backend could not resolve them). We then never guess: if no known
// input is an exchange's, the unknown inputs could be, so inflow/unknown cannot be told apart from
// internal/outflow and the label is `unknown` with prevouts_known = false. A known exchange input is
// enough to label outflow/internal, because the outputs are always known.
import type { MempoolTx } from '../sources/mempool/stream.js';
import type { ExchangeBook } from './exchanges.js';

export type Flow = 'inflow' | 'outflow' | 'internal' | 'unknown';

export interface FlowLabel {
  flow: Flow;
  /** Exchanges seen on either side, sorted, without duplicates. */
  exchanges: string[];
  /** Every input's prevout was present. */
  prevoutsKnown: boolean;
}

export function classifyFlow(tx: Pick<MempoolTx, 'vin' | 'vout'>, book: ExchangeBook): FlowLabel {
  const names = new Set<string>();
  let exchangeIn = false;
  let prevoutsKnown = true;
  for (const input of tx.vin) {
    if (input.prevout === null) {
      prevoutsKnown = false;
      continue;
    }
    const entry =
      input.prevout.scriptpubkey_address === undefined
        ? undefined
        : book.byAddress.get(input.prevout.scriptpubkey_address);
    if (entry) {
      exchangeIn = true;
      names.add(entry.exchange);
    }
  }
  let exchangeOuts = 0;
  for (const o of tx.vout) {
    const entry = o.scriptpubkey_address === undefined ? undefined : book.byAddress.get(o.scriptpubkey_address);
    if (entry) {
      exchangeOuts++;
      names.add(entry.exchange);
    }
  }
  const exchanges = [...names].sort();
  let flow: Flow;
  if (exchangeIn) flow = exchangeOuts === tx.vout.length && tx.vout.length > 0 ? 'internal' : 'outflow';
  else if (!prevoutsKnown) flow = 'unknown';
  else flow = exchangeOuts > 0 ? 'inflow' : 'unknown';
  return { flow, exchanges, prevoutsKnown };
}
