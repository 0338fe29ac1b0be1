import type { CheckOutcome, Threshold } from '../types.js';

/**
 * The outcome of a check for a service the operator does not have by choice (ELECTRS_API_URL=none and
 * no ELECTRUM_HOST, MEMPOOL_API_URL=none): OK and not graded, read as `➖ <label>: <message>`
 * (report.ts, through details.configured). `message` starts with "not configured (the setting)".
 */
export function notConfigured(unit: string, threshold: Threshold, message: string): CheckOutcome {
  return { state: 'OK', figure: null, unit, threshold, message, metrics: [], details: { configured: false } };
}
