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
  const real = JSON.parse(
    fs.readFileSync(fixturePath('mempool/backend_transactions-random.json'), 'utf8'),
  ) as unknown[];
  it.each([
    // txid prefix, rbf, fee/vsize (vsize from weight when the backend omitted it)
    ['13f00724', true, 584 / 143], // sequence 0x80000000
    ['8e89b20f', true, 691 / 651], // 0xfffffffd
    ['20b98449', false, null], // 0xffffffff everywhere
    ['b10c0000', true, null], // 0xdeadbeef among odd sequences
  ])('%s', (prefix, rbf, rate) => {
    const raw = real.find((t) => (t as { txid: string }).txid.startsWith(prefix));
    const t = parseMempoolTx(raw, 'tx');
    expect(signalsRbf(t)).toBe(rbf);
    if (rate !== null) expect(feeRate(t)).toBeCloseTo(rate, 12);
    else expect(feeRate(t)).toBe(t.fee / Math.ceil(t.weight / 4));
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

describe('flow labels from the real exchange list', () => {
  const v = 150 * BTC;
  it.each([
    ['deposit to Binance', [ADDR.user1], [ADDR.binanceCold, ADDR.user2], 'inflow', ['Binance']],
    ['Kraken withdrawal with change back', [ADDR.krakenCold], [ADDR.user1, ADDR.krakenCold], 'outflow', ['Kraken']],
    ['Kraken to Coinbase', [ADDR.krakenCold], [ADDR.coinbase], 'internal', ['Coinbase', 'Kraken']],
    ['Binance cold to hot', [ADDR.binanceCold], [ADDR.binanceHot], 'internal', ['Binance']],
    ['nobody we know', [ADDR.user1], [ADDR.user2], 'unknown', []],
  ])('%s', (_n, ins, outs, flow, exchanges) => {
    const t = tx({
      seed: `f${ins.join()}${outs.join()}`,
      inputs: ins.map((a) => ({ address: a, value: v + 10_000 })),
      outputs: outs.map((a) => ({ address: a, value: v / outs.length })),
    });
    expect(classifyFlow(t, realBook())).toEqual({ flow, exchanges, prevoutsKnown: true });
  });

  it.each([
    // prevouts missing: never guessed; a known exchange input still decides
    ['missing prevout, deposit-looking', [null], [ADDR.binanceCold], 'unknown', ['Binance']],
    ['missing prevout, nothing known', [null], [ADDR.user1], 'unknown', []],
    ['one known Kraken input, one missing', [ADDR.krakenCold, null], [ADDR.user1], 'outflow', ['Kraken']],
  ])('%s', (_n, ins, outs, flow, exchanges) => {
    const t = tx({
      seed: `m${ins.join()}${outs.join()}`,
      inputs: ins.map((a) => ({ address: a ?? ADDR.user2, value: v })),
      outputs: outs.map((a) => ({ address: a, value: v })),
    });
    ins.forEach((a, i) => {
      if (a === null) t.vin[i]!.prevout = null;
    });
    expect(classifyFlow(t, realBook())).toEqual({ flow, exchanges, prevoutsKnown: false });
  });

  it('reads the real CSV from the fixtures', () => expect(fs.existsSync(EXCHANGE_CSV)).toBe(true));
});
