// Flow labels from the exchange address book, weighted by value: what matters is which side holds
// the money, not how many inputs or outputs touch an exchange.
//
//   in_ex  = sats spent from exchange addresses (inputs whose prevout address is in the book)
//   out_ex = sats paid to exchange addresses
//   from an exchange: in_ex  > half of the input value   (total in = total out + fee)
//   to an exchange:   out_ex > half of the output value
//
//   from an exchange, to an exchange         -> internal  (between exchanges, or an exchange's own wallets)
//   from an exchange, not to an exchange     -> outflow   (a withdrawal: 500 BTC out with 20 BTC change
//                                                          back to the exchange is an outflow)
//   not from an exchange, to an exchange     -> inflow    (a deposit)
//   neither                                  -> unknown   (no exchange holds most of either side)
//
// Spent outputs the backend left null (mempool's default BACKEND 'none') are fetched from electrs
// before this runs (prevouts.ts); what is still missing counts as "could be an exchange's": the
// label is given only when the known inputs decide it either way (in_ex alone is more than half, or
// in_ex plus every unknown input is at most half), otherwise `unknown` with prevouts_known false.
// The missing inputs' value is known without them: total in = total out + fee.
import type { MempoolTx } from '../sources/mempool/stream.js';
import type { ExchangeBook } from './exchanges.js';

export type Flow = 'inflow' | 'outflow' | 'internal' | 'unknown';

export interface FlowLabel {
  flow: Flow;
  /** Exchanges seen on either side (any amount), sorted, without duplicates. */
  exchanges: string[];
  /** Every non-coinbase input's prevout was known. */
  prevoutsKnown: boolean;
}

type Side = 'exchange' | 'other' | 'undecided';

export function classifyFlow(tx: Pick<MempoolTx, 'vin' | 'vout' | 'fee'>, book: ExchangeBook): FlowLabel {
  const names = new Set<string>();
  let exIn = 0n;
  let knownIn = 0n;
  let prevoutsKnown = true;
  for (const input of tx.vin) {
    if (input.prevout === null) {
      if (!input.is_coinbase) prevoutsKnown = false;
      continue;
    }
    knownIn += BigInt(input.prevout.value);
    const addr = input.prevout.scriptpubkey_address;
    const entry = addr === undefined ? undefined : book.byAddress.get(addr);
    if (entry) {
      exIn += BigInt(input.prevout.value);
      names.add(entry.exchange);
    }
  }
  let exOut = 0n;
  let totalOut = 0n;
  for (const o of tx.vout) {
    totalOut += BigInt(o.value);
    const entry = o.scriptpubkey_address === undefined ? undefined : book.byAddress.get(o.scriptpubkey_address);
    if (entry) {
      exOut += BigInt(o.value);
      names.add(entry.exchange);
    }
  }
  const totalIn = totalOut + BigInt(tx.fee);
  // Inputs we could not see; never negative (a backend fee that disagrees with known prevouts).
  const unknownIn = prevoutsKnown ? 0n : totalIn > knownIn ? totalIn - knownIn : 0n;
  const from = inputSide(exIn, unknownIn, prevoutsKnown ? knownIn : totalIn);
  const to: Side = 2n * exOut > totalOut ? 'exchange' : 'other';
  let flow: Flow;
  if (from === 'undecided') flow = 'unknown';
  else if (from === 'exchange') flow = to === 'exchange' ? 'internal' : 'outflow';
  else flow = to === 'exchange' ? 'inflow' : 'unknown';
  return { flow, exchanges: [...names].sort(), prevoutsKnown };
}

function inputSide(exIn: bigint, unknownIn: bigint, totalIn: bigint): Side {
  if (2n * exIn > totalIn) return 'exchange';
  if (2n * (exIn + unknownIn) <= totalIn) return 'other';
  return 'undecided';
}
