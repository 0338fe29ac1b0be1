// The oracle's per-transaction rule (oracle.md §2, every rule but the same-day one), in one place.
// Both ways of reading a block use it: the oracle scan of raw bytes (scanBlock.ts) and a parsed
// Block (summarizeBlock.ts). It shapes the bytes the block cache keeps, so the cache header carries
// RULES_VERSION and entries written under another version are summarised again (codec.ts).

/**
 * Bump whenever anything in this file (or in how a summary is drawn from a block) changes which
 * transactions or amounts a summary holds: every cached summary of another version is then redone.
 */
export const RULES_VERSION = 1;

/** The reference only looks at transactions with at most this many inputs... */
export const MAX_INPUTS = 5;
/** ...and exactly this many outputs (OP_RETURN and dust outputs count too). */
export const REQUIRED_OUTPUTS = 2;
/** So a candidate has at most this many amounts. */
export const MAX_AMOUNTS = REQUIRED_OUTPUTS;
/**
 * Witness limit in bytes. The reference drops a transaction when an item, or an input's running
 * total of items, passes 500; item lengths are never negative, so that is exactly "some input's
 * witness items add up to more than 500", the form both readers compute.
 */
export const MAX_WITNESS_BYTES = 500;
export const OP_RETURN = 0x6a;
/** Amounts kept: 1e-5 < BTC < 1e5, strict (exactly 1,000 sats is out). */
const MIN_BTC = 1e-5;
const MAX_BTC = 1e5;
const SATS_PER_BTC = 1e8;

/**
 * Whether a transaction's outputs may be used (before the same-day rule). `nullPrevout`: SOME input
 * has an all-zero prev txid and index 0xffffffff (the reference's coinbase test, not Core's);
 * `opReturn`: some output script starts with 0x6a; `witnessBytes`: the largest of its inputs'
 * witness totals.
 */
export function passesTxRule(
  inputCount: number,
  outputCount: number,
  nullPrevout: boolean,
  opReturn: boolean,
  witnessBytes: number,
): boolean {
  return (
    inputCount <= MAX_INPUTS &&
    outputCount === REQUIRED_OUTPUTS &&
    !nullPrevout &&
    !opReturn &&
    witnessBytes <= MAX_WITNESS_BYTES
  );
}

/** An amount in BTC the window keeps (strictly inside the range). */
export function isKeptBtc(btc: number): boolean {
  return MIN_BTC < btc && btc < MAX_BTC;
}

/** An output's amount in BTC as the reference computes it (sats / 1e8), or undefined when out of range. */
export function inRangeBtc(sats: number): number | undefined {
  const btc = sats / SATS_PER_BTC;
  return isKeptBtc(btc) ? btc : undefined;
}
