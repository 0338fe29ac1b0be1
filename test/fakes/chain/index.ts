// The synthetic chain generator: deterministic blocks in real consensus bytes for the fakes and tests.
export {
  generateChain,
  SyntheticChain,
  type ChainOptions,
  type PriceFn,
  type Scale,
  type SyntheticBlock,
} from './chain.js';
export { dayStart, DAY, type TimeQuirks } from './timeline.js';
export { DECOY_FACTOR, USD_AMOUNTS } from './economy.js';
export { toDisplayHex, fromDisplayHex } from './block.js';
export { createPrng, type Prng } from './prng.js';
export { linearPrice, type PriceSpec } from './price.js';
