// Whale detection in exact integer satoshis. mempool's transaction objects carry output values as
// integer sats; summing them as BigInt and comparing against the threshold converted once to sats
// means 99.99999999 BTC is never rounded up to 100 (floating BTC sums would).
import type { MempoolTx } from '../sources/mempool/stream.js';
import { ConfigError } from '../errors.js';

export const SATS_PER_BTC = 100_000_000n;
/** 21 million BTC: no valid transaction moves more; anything above is a malformed message. */
export const MAX_MONEY_SATS = 21_000_000n * SATS_PER_BTC;

/**
 * WHALE_THRESHOLD_BTC -> sats. The setting has at most 8 decimals that matter; rounding btc*1e8 to
 * the nearest integer is exact for every value below 21M BTC (the float error is far below 0.5 sat).
 */
export function btcToSats(btc: number): bigint {
  if (!Number.isFinite(btc) || btc <= 0 || btc > 21_000_000) {
    throw new ConfigError(
      `WHALE_THRESHOLD_BTC must be a number of BTC in (0, 21000000], got ${btc}`,
      'WHALE_THRESHOLD_BTC',
    );
  }
  return BigInt(Math.round(btc * 1e8));
}

/** Sats -> BTC for display and the total_btc column (exact for any amount up to 21M BTC at 8 decimals). */
export function satsToBtc(sats: bigint): number {
  return Number(sats) / 1e8;
}

export type WhaleVerdict =
  | { kind: 'whale'; totalSats: bigint }
  | { kind: 'small'; totalSats: bigint }
  | { kind: 'confirmed' }
  /** Values that cannot be real (sum above 21M BTC): the message is wrong, skip it and count it. */
  | { kind: 'invalid'; reason: string };

export function outputsTotalSats(tx: Pick<MempoolTx, 'vout'>): bigint {
  let total = 0n;
  for (const o of tx.vout) total += BigInt(o.value);
  return total;
}

/** An unconfirmed transaction whose outputs total >= thresholdSats. */
export function classifyTx(tx: Pick<MempoolTx, 'vout' | 'status'>, thresholdSats: bigint): WhaleVerdict {
  if (tx.status.confirmed) return { kind: 'confirmed' };
  const totalSats = outputsTotalSats(tx);
  if (totalSats > MAX_MONEY_SATS) return { kind: 'invalid', reason: `outputs total ${totalSats} sats exceeds 21M BTC` };
  return totalSats >= thresholdSats ? { kind: 'whale', totalSats } : { kind: 'small', totalSats };
}

/**
 * Fee rate in sat/vB as mempool computes it: fee / (weight / 4), over the fractional virtual size
 * (transaction-utils.ts `extendMempoolTransaction`: `feePerVbytes = fee / fractionalVsize`), not
 * over the rounded-up `vsize`. Computed here rather than read from feePerVsize, which electrs does
 * not send. null when the weight is 0, which no real transaction has, or when the fee is not known
 * (a raw transaction whose spent outputs could not all be found).
 */
export function feeRate(tx: Pick<MempoolTx, 'fee' | 'weight' | 'feeUnknown'>): number | null {
  return tx.weight > 0 && !tx.feeUnknown ? tx.fee / (tx.weight / 4) : null;
}
