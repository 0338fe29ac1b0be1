// Pure whale logic, table-driven: exchange CSV, exact-sats detection, BIP125, flow labels.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseMempoolTx } from '../../src/sources/mempool/stream/parseTx.js';
import { btcToSats, classifyTx, feeRate } from '../../src/whale/detect.js';
import { parseExchangeCsv, splitCsvLine, loadExchangeBook } from '../../src/whale/exchanges.js';
import { classifyFlow } from '../../src/whale/flow.js';
import { signalsRbf } from '../../src/whale/rbf.js';
import { fixturePath } from '../helpers/paths.js';
import { ADDR, BTC, EXCHANGE_CSV, realBook, tx } from './helpers.js';

describe('exchange address CSV', () => {
  it('loads the real list (CRLF and LF lines, duplicates merged)', () => {
    const book = realBook();
    // 13,018 rows; three addresses appear twice for the same exchange with another type.
    expect(book.byAddress.size).toBe(13_015);
    expect(book.exchanges.size).toBe(16);
    expect(book.byAddress.get(ADDR.coinbase)).toEqual({ exchange: 'Coinbase', types: ['cold_wallet', 'hot_wallet'] });
    expect(book.byAddress.get(ADDR.binanceHot)).toEqual({ exchange: 'Binance', types: ['hot_wallet'] });
    expect(book.warnings).toEqual([]);
  });

  const H = 'exchange_name,address,type\r\n';
  it.each([
    ['wrong header', 'name,address,type\n', /line 1: header/],
    ['two fields', `${H}Binance,${ADDR.binanceCold}\r\n`, /line 2: expected 3 fields/],
    ['four fields', `${H}Kraken,${ADDR.krakenCold},wallet,x\n`, /line 2: expected 3 fields .*got 4/],
    ['empty name', `${H},${ADDR.krakenCold},wallet\n`, /line 2: empty exchange_name/],
    [
      'not an address',
      `${H}Kraken,${ADDR.krakenCold},wallet\nKraken,hello world,wallet\n`,
      /line 3: not a Bitcoin address/,
    ],
    ['bad type', `${H}Kraken,${ADDR.krakenCold},"hot wallet"\n`, /line 2: bad type/],
    ['open quote', `${H}"Kraken,${ADDR.krakenCold},wallet\n`, /line 2: unbalanced/],
    ['empty file', '', /line 1: header/],
  ])('rejects %s', (_name, text, msg) => {
    expect(() => parseExchangeCsv(text, 'x.csv')).toThrow(ConfigError);
    expect(() => parseExchangeCsv(text, 'x.csv')).toThrow(msg);
  });

  it('keeps the first exchange of a conflicting address and says so', () => {
    const book = parseExchangeCsv(
      `exchange_name,address,type\nKraken,${ADDR.krakenCold},wallet\n\nBinance,${ADDR.krakenCold},wallet\n`,
      'x.csv',
    );
    expect(book.byAddress.get(ADDR.krakenCold)?.exchange).toBe('Kraken');
    expect(book.warnings).toEqual([`line 4: ${ADDR.krakenCold} already listed for Kraken (line 2); ignoring Binance`]);
  });

  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['"a,1",b,"c ""q"""', ['a,1', 'b', 'c "q"']],
    ['a,"b"x,c', undefined],
  ])('splits %s', (line, want) => expect(splitCsvLine(line)).toEqual(want));

  it('names the setting when the file is missing', () => {
    expect(() => loadExchangeBook('/nonexistent/ex.csv')).toThrow(
      /EXCHANGE_ADDRESSES_FILE "\/nonexistent\/ex.csv" cannot be read/,
    );
    expect(loadExchangeBook(undefined).byAddress.size).toBe(0);
  });
});

describe('detection in exact sats', () => {
  const threshold = btcToSats(100);
  it.each([
    ['exactly 100 BTC', [100 * BTC], 'whale'],
    ['99.99999999 BTC', [100 * BTC - 1], 'small'],
    ['100 BTC over many outputs', [33 * BTC, 33 * BTC, 34 * BTC], 'whale'],
    ['0.1 + 0.2 style sums stay exact', [99 * BTC + 99_999_999, 1], 'whale'],
    ['above 21M BTC is invalid', [21_000_000 * BTC, 1], 'invalid'],
  ])('%s', (_n, values, kind) => {
    const t = tx({ seed: `d${values.join()}`, outputs: values.map((v, i) => ({ address: `bc1qout${i}`, value: v })) });
    expect(classifyTx(t, threshold).kind).toBe(kind);
  });

  it.each([
    [100, 10_000_000_000n],
    [99.99999999, 9_999_999_999n],
    [0.00000001, 1n],
    [20_999_999.99999999, 2_099_999_999_999_999n],
  ])('threshold %s BTC = %s sats', (btc, sats) => expect(btcToSats(btc)).toBe(sats));

  it.each([0, -1, Number.NaN, 21_000_001])('rejects threshold %s', (btc) =>
    expect(() => btcToSats(btc)).toThrow(ConfigError),
  );

  it('skips confirmed transactions', () => {
    const t = {
      ...tx({ seed: 'c', outputs: [{ address: ADDR.user1, value: 200 * BTC }] }),
      status: { confirmed: true },
    };
    expect(classifyTx(t, threshold).kind).toBe('confirmed');
  });
});

describe('BIP125 signalling and fee rate on captured backend transactions', () => {
  const real = JSON.parse(fs.readFileSync(fixturePath('mempool/backend_transactions-random.json'), 'utf8')) as Array<
    Record<string, unknown>
  >;
  it.each([
    // txid prefix, rbf, the fee rate mempool itself computed (its feePerVsize: fee / (weight / 4)),
    // or for captures without one fee / (weight / 4) from the definition
    ['13f00724', true, 4.083916083916084], // sequence 0x80000000; weight 572 = 4 * 143
    ['8e89b20f', true, 1.0610364683301343], // 0xfffffffd; 691 sat / (2605 / 4), not / the rounded 651 vB
    ['20b98449', false, 4000 / (633 / 4)], // 0xffffffff everywhere
    ['b10c0000', true, 71294 / (8186 / 4)], // 0xdeadbeef among odd sequences
  ])('%s', (prefix, rbf, rate) => {
    const raw = real.find((t) => (t.txid as string).startsWith(prefix))!;
    const t = parseMempoolTx(raw, 'tx');
    expect(signalsRbf(t)).toBe(rbf);
    expect(feeRate(t)).toBe(rate);
    if (typeof raw.feePerVsize === 'number') expect(feeRate(t)).toBe(raw.feePerVsize);
  });

  it.each([
    [0xfffffffd, true],
    [0xfffffffe, false],
    [0xffffffff, false],
    [0, true],
  ])('sequence %s -> %s', (sequence, want) => {
    const t = tx({ seed: `s${sequence}`, outputs: [{ address: ADDR.user1, value: 1 }] });
    t.vin[0]!.sequence = sequence;
    expect(signalsRbf(t)).toBe(want);
  });
});

// docs/jobs.md's flow table, row for row (whale-watch): value-weighted, real exchange addresses.
describe('flow labels: which side holds the value', () => {
  type Io = [address: string | null, btc: number];
  const E = 0.0001; // the fee, in BTC
  it.each([
    // name, inputs [address or null = prevout missing, BTC], outputs, flow, exchanges, prevouts known
    ['deposit', [[ADDR.user1, 150 + E]], [[ADDR.binanceCold, 150]], 'inflow', ['Binance'], true],
    [
      'deposit with change back',
      [[ADDR.user1, 153 + E]],
      [
        [ADDR.binanceCold, 150],
        [ADDR.user1, 3],
      ],
      'inflow',
      ['Binance'],
      true,
    ],
    [
      'small deposit beside a large self-transfer',
      [[ADDR.user1, 205 + E]],
      [
        [ADDR.binanceCold, 5],
        [ADDR.user2, 200],
      ],
      'unknown',
      ['Binance'],
      true,
    ],
    [
      'withdrawal with change back to the exchange',
      [[ADDR.krakenCold, 520 + E]],
      [
        [ADDR.user1, 500],
        [ADDR.krakenCold, 20],
      ],
      'outflow',
      ['Kraken'],
      true,
    ],
    [
      'exchange to exchange',
      [[ADDR.krakenCold, 120 + E]],
      [[ADDR.coinbase, 120]],
      'internal',
      ['Coinbase', 'Kraken'],
      true,
    ],
    [
      'cold to hot, a little paid out',
      [[ADDR.binanceCold, 300 + E]],
      [
        [ADDR.binanceHot, 299],
        [ADDR.user1, 1],
      ],
      'internal',
      ['Binance'],
      true,
    ],
    [
      'exchange holds most of mixed inputs',
      [
        [ADDR.krakenCold, 150],
        [ADDR.user1, 50 + E],
      ],
      [[ADDR.user2, 200]],
      'outflow',
      ['Kraken'],
      true,
    ],
    [
      'user holds most of mixed inputs, paid to an exchange',
      [
        [ADDR.krakenCold, 50],
        [ADDR.user1, 150 + E],
      ],
      [[ADDR.binanceCold, 200]],
      'inflow',
      ['Binance', 'Kraken'],
      true,
    ],
    [
      'exactly half to an exchange is not most',
      [[ADDR.user1, 200 + E]],
      [
        [ADDR.binanceCold, 100],
        [ADDR.user2, 100],
      ],
      'unknown',
      ['Binance'],
      true,
    ],
    ['nobody we know', [[ADDR.user1, 150 + E]], [[ADDR.user2, 150]], 'unknown', [], true],
    [
      'prevout missing, paid to an exchange: inflow or internal',
      [[null, 150 + E]],
      [[ADDR.binanceCold, 150]],
      'unknown',
      ['Binance'],
      false,
    ],
    ['prevout missing, nothing known', [[null, 150 + E]], [[ADDR.user1, 150]], 'unknown', [], false],
    [
      'known exchange input is most of the value, one missing',
      [
        [ADDR.krakenCold, 150],
        [null, 10 + E],
      ],
      [[ADDR.user1, 160]],
      'outflow',
      ['Kraken'],
      false,
    ],
    [
      'missing input too small to matter',
      [
        [ADDR.user1, 150],
        [null, 10 + E],
      ],
      [[ADDR.binanceCold, 160]],
      'inflow',
      ['Binance'],
      false,
    ],
    [
      'known exchange input exactly half, the other missing',
      [
        [ADDR.krakenCold, 100],
        [null, 100 + E],
      ],
      [[ADDR.user1, 200]],
      'unknown',
      ['Kraken'],
      false,
    ],
  ] as [string, Io[], Io[], string, string[], boolean][])('%s -> %s', (name, ins, outs, flow, exchanges, known) => {
    const sats = (btc: number) => Math.round(btc * BTC);
    const t = tx({
      seed: `flow:${name}`,
      inputs: ins.map(([a, v]) => ({ address: a ?? ADDR.user2, value: sats(v) })),
      outputs: outs.map(([a, v]) => ({ address: a!, value: sats(v) })),
    });
    ins.forEach(([a], i) => {
      if (a === null) t.vin[i]!.prevout = null;
    });
    expect(t.fee).toBe(sats(E));
    expect(classifyFlow(t, realBook())).toEqual({ flow, exchanges, prevoutsKnown: known });
  });

  it('a coinbase input has no prevout and does not make the prevouts unknown', () => {
    const t = tx({ seed: 'cb', outputs: [{ address: ADDR.binanceCold, value: 150 * BTC }] });
    t.vin[0] = { ...t.vin[0]!, prevout: null, is_coinbase: true };
    t.fee = 0;
    expect(classifyFlow(t, realBook())).toEqual({ flow: 'inflow', exchanges: ['Binance'], prevoutsKnown: true });
  });

  it('labels the first and the last row of the real CSV with their exchange', () => {
    const lines = fs.readFileSync(EXCHANGE_CSV, 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
    for (const l of [lines[0]!, lines.at(-1)!]) {
      const [name, address] = l.split(',');
      expect(realBook().byAddress.get(address!)?.exchange).toBe(name);
    }
  });
});
