// Shared helpers for whale tests: real exchange addresses from the fixture CSV, fake transactions parsed
// through the stream's own validator (so tests see exactly what whale-watch sees).
import fs from 'node:fs';
import { parseMempoolTx } from '../../src/sources/mempool/stream/parseTx.js';
import type { MempoolTx, ProjectedBlock } from '../../src/sources/mempool/stream.js';
import { parseExchangeCsv, type ExchangeBook } from '../../src/whale/exchanges.js';
import { makeTx, type MakeTxOptions } from '../fakes/mempool/index.js';
import { fixturePath } from '../helpers/paths.js';

export const EXCHANGE_CSV = fixturePath('exchanges/exchange_addresses.csv');

let book: ExchangeBook | undefined;
export function realBook(): ExchangeBook {
  book ??= parseExchangeCsv(fs.readFileSync(EXCHANGE_CSV, 'utf8'), EXCHANGE_CSV);
  return book;
}

/**
 * Real labelled addresses (lines 2, 7, 8, 9 and 13,014 of the fixture CSV). krakenCold's checksum is
 * wrong in the list (one of its four such entries), so no real output script reads back as it: tests
 * that go through raw transactions (Core, Electrum) use krakenP2wsh.
 */
export const ADDR = {
  binanceCold: '34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo',
  binanceHot: '1F1tAaz5x1HUXrCNLbtMDqcw6o5GNn4xqX',
  krakenCold: 'bc1qu30560k5wc8jm58hwx3crlvlydc6vz78npce4z',
  krakenP2wsh: 'bc1qgdjqv0av3q56jvd82tkdjpy7gdp9ut8tlqmgrpmv24sq90ecnvqqjwvw97',
  coinbase: '3Cbq7aT1tY8kMxWLbitaG7yT6bPbKChq64',
  user1: 'bc1quser0000000000000000000000000000000001',
  user2: 'bc1quser0000000000000000000000000000000002',
} as const;

export const BTC = 100_000_000;

export function tx(o: MakeTxOptions): MempoolTx {
  return parseMempoolTx(makeTx(o), 'tx');
}

export function projected(minFee: number, median: number, max = median * 2): ProjectedBlock {
  return {
    blockSize: 1_500_000,
    blockVSize: 997_000,
    nTx: 2000,
    totalFees: 1,
    medianFee: median,
    feeRange: [minFee, median, max],
  };
}
