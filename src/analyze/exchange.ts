// The exchange price a cron run compares with, as one of four states: a price; mempool unreachable
// (or answering something that is not its prices API); mempool answering in its own shape with no
// price to give (price-updater.ts: USD -1 and time 0 with its feeds off, Tor-only or not on
// mainnet, or a price too old); or no exchange price by choice (MEMPOOL_API_URL=none). Each is said
// once, in its own words: a feed that is off is not "mempool unreachable".
import { SourceError, describeError } from '../errors.js';
import { formatUsd } from '../lib/formatUsd.js';
import type { Logger } from '../log/logger.js';
import type { PriceSource } from '../sources/types.js';

export type ExchangeReading =
  | { state: 'price'; usd: number; time: number }
  | { state: 'unreachable'; error: string }
  | { state: 'no-price'; error: string }
  | { state: 'not-configured' };

/** The USD price of a reading, or null. */
export const usdOf = (r: ExchangeReading): number | null => (r.state === 'price' ? r.usd : null);

/** Asks mempool (never rejects); `source` undefined means MEMPOOL_API_URL=none. */
export async function readExchangePrice(source: PriceSource | undefined, log: Logger): Promise<ExchangeReading> {
  if (!source) {
    log.debug('MEMPOOL_API_URL=none: no exchange price to compare with');
    return { state: 'not-configured' };
  }
  try {
    const p = await source.getUsdPrice();
    log.info({ usd: p.usd, price_time: p.time }, `Fetched mempool.space price: ${formatUsd(p.usd)}`);
    return { state: 'price', usd: p.usd, time: p.time };
  } catch (err) {
    const error = describeError(err);
    if (err instanceof SourceError && err.details.noPrice) {
      log.error(
        { err: error },
        `mempool answered but has no exchange price: ${error.replace(/^mempool \/api\/v1\/prices: /, '')}; ` +
          'its price feed may be off, Tor-only or not on mainnet (MEMPOOL_API_URL=none runs without one)',
      );
      return { state: 'no-price', error };
    }
    log.error({ err: error }, `Failed to fetch mempool price: ${error}`);
    return { state: 'unreachable', error };
  }
}
