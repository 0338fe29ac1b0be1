// The oracle's public surface, for jobs and tools. Each step lives in its own file.
export { computePrice, computePriceFromBlocks, priceWindow, type OracleResult } from './price.js';
export { WindowAccumulator } from './windowAccumulator.js';
export {
  summarizeBlock,
  windowOutputs,
  txCountOf,
  type BlockSummary,
  type Candidate,
  type WindowOutputs,
} from './outputs.js';
export { encodeSummary, decodeSummary, decodeAmounts, decodeEntry, type Entry } from './summaryCodec.js';
export { resolveFunding, unresolved, type Funding, type BlockAmounts } from './funding.js';
export {
  recentWindow,
  dateWindow,
  heightsOf,
  parseUtcDate,
  EARLIEST_DATE,
  type BlockWindow,
  type TimeAt,
} from './window.js';
export { confidence } from './confidence.js';
