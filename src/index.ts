// utxoracle-ops as a library (package.json "exports"): the UTXOracle v9.1 price from raw blocks,
// bit-exact with the reference and with what the analyze job saves. This is the whole public
// surface; everything else under src/ may change without notice. See the README, "The oracle as a
// library", and examples/priceDay.ts.
import { parseBlock as parseCheckedBlock } from './chain/block.js';
import type { Block } from './chain/types.js';
import { scanBlock } from './summary/scanBlock.js';
import { summarizeBlock as summarizeParsed } from './summary/summarizeBlock.js';
import type { BlockSummary } from './summary/types.js';

/**
 * Parses a raw block and checks it: framing, canonical encoding, amounts, the coinbase, the merkle
 * root (and CVE-2012-2459 mutation) and the BIP141 witness commitment. Any defect is a DataError.
 */
export function parseBlock(bytes: Uint8Array): Block {
  return parseCheckedBlock(bytes);
}

/**
 * What the oracle needs from one block at `height` (its txids and the outputs that pass the
 * per-transaction rules), from raw bytes (checked as parseBlock checks them, without building
 * transaction objects: the fast way) or from a block parseBlock returned.
 */
export function summarizeBlock(block: Uint8Array | Block, height: number): BlockSummary {
  return block instanceof Uint8Array ? scanBlock(block, height) : summarizeParsed(block, height);
}

export {
  priceDate,
  priceRecent,
  priceSummaries,
  type RawBlockSource,
  type WindowPrice,
} from './library/priceBlocks.js';
export { dateWindow, recentWindow, heightsOf, EARLIEST_DATE, type BlockWindow, type TimeAt } from './oracle/window.js';
export { parseBlockHeader } from './chain/header.js';
export { hashPath, type HashPath } from './chain/nativeHash.js';
export { UtxoracleError, DataError, ConfigError } from './errors.js';
export type { OracleResult } from './oracle/price.js';
export type { PricePoints } from './oracle/intraday.js';
export type { BlockSummary, Candidate } from './summary/types.js';
export type { Block, BlockHeader, Transaction, TxInput, TxOutput } from './chain/types.js';
