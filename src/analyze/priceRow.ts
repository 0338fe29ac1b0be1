import type { OracleResult } from '../oracle/price.js';
import { resultColumns } from './resultColumns.js';

/** One row of `prices`, with the column names the table and --json use. */
export interface PriceRow {
  run_id: string;
  timestamp: string;
  utxoracle_price: number;
  mempool_price: number | null;
  confidence: number;
  tx_count: number;
  diff_amount: number | null;
  diff_percent: number | null;
  is_valid: boolean;
  first_height: number;
  last_height: number;
  tip_hash: string;
  output_count: number;
  point_count: number;
  rough_price: number;
}

export type Verdict = { valid: true } | { valid: false; reasons: string[] };

/** What makes a price valid: UTXORACLE_CONFIDENCE_THRESHOLD, MIN_PRICE_USD, MAX_PRICE_USD. */
export interface ValidityLimits {
  confidenceThreshold: number;
  minPriceUsd: number;
  maxPriceUsd: number;
}

/**
 * is_valid: confidence >= threshold, price within MIN..MAX, and an exchange price to compare with —
 * unless the operator has none by choice (MEMPOOL_API_URL=none, `exchangeExpected` false): then the
 * oracle's own confidence and range decide.
 */
export function judge(
  result: OracleResult,
  mempoolPrice: number | null,
  s: Readonly<ValidityLimits>,
  exchangeExpected = true,
): Verdict {
  const reasons: string[] = [];
  if (!(result.confidence >= s.confidenceThreshold)) {
    reasons.push(
      `confidence ${result.confidence.toFixed(3)} below UTXORACLE_CONFIDENCE_THRESHOLD ${s.confidenceThreshold}`,
    );
  }
  if (!(result.price >= s.minPriceUsd && result.price <= s.maxPriceUsd)) {
    reasons.push(`price ${result.price} outside MIN_PRICE_USD..MAX_PRICE_USD (${s.minPriceUsd}..${s.maxPriceUsd})`);
  }
  if (mempoolPrice === null && exchangeExpected) reasons.push('no exchange price from mempool');
  return reasons.length ? { valid: false, reasons } : { valid: true };
}

export function buildPriceRow(
  runId: string,
  now: Date,
  result: OracleResult,
  tipHash: string,
  mempoolPrice: number | null,
  verdict: Verdict,
): PriceRow {
  // diff = mempool - utxoracle; percent relative to the UTXOracle price (never 0: validated > 0).
  const diff = mempoolPrice === null ? null : mempoolPrice - result.price;
  const { confidence, tx_count, first_height, last_height, output_count, point_count, rough_price } =
    resultColumns(result);
  return {
    run_id: runId,
    timestamp: now.toISOString(),
    utxoracle_price: result.price,
    mempool_price: mempoolPrice,
    confidence,
    tx_count,
    diff_amount: diff,
    diff_percent: diff === null ? null : (100 * diff) / result.price,
    is_valid: verdict.valid,
    first_height,
    last_height,
    tip_hash: tipHash,
    output_count,
    point_count,
    rough_price,
  };
}

/** Refuses a row that would put NaN or Infinity into the database. */
export function assertFinite(row: Record<string, unknown>, what: string): void {
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${what}: ${k} is ${v}; refusing to save`);
  }
}
