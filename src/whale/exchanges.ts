// The exchange address book: `exchange_name,address,type` (EXCHANGE_ADDRESSES_FILE), loaded once at
// start into a Map so each output/prevout lookup is O(1). A malformed file is a configuration error
// naming the line, because silently skipping rows would mislabel every flow that touches them.
import fs from 'node:fs';
import { ConfigError } from '../errors.js';

export interface ExchangeEntry {
  exchange: string;
  /** Every label the file gives the address (e.g. cold_wallet and hot_wallet), in file order. */
  types: string[];
}

export interface ExchangeBook {
  byAddress: ReadonlyMap<string, ExchangeEntry>;
  exchanges: ReadonlySet<string>;
  /** Non-fatal findings: an address listed under two exchanges keeps the first (line numbers given). */
  warnings: string[];
}

export const EMPTY_BOOK: ExchangeBook = { byAddress: new Map(), exchanges: new Set(), warnings: [] };

const SETTING = 'EXCHANGE_ADDRESSES_FILE';
// Base58 (legacy/P2SH) and bech32/bech32m address alphabets; anything else is not an address.
const ADDRESS = /^[13][1-9A-HJ-NP-Za-km-z]{25,34}$|^(bc|tb|bcrt)1[02-9ac-hj-np-z]{8,87}$/;
const TYPE = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Splits one CSV line; double-quoted fields may hold commas and "" escapes (RFC 4180). */
export function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined; // unterminated quote
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return undefined; // text after a closing quote
    } else {
      const end = line.indexOf(',', i);
      field = end < 0 ? line.slice(i) : line.slice(i, end);
      if (field.includes('"')) return undefined;
      i = end < 0 ? line.length : end;
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** Parses the file's text; `source` names it in errors. Accepts CRLF and LF (the shipped list mixes both). */
export function parseExchangeCsv(text: string, source: string): ExchangeBook {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fail = (lineNo: number, why: string): never => {
    throw new ConfigError(`${SETTING} ${source}: line ${lineNo}: ${why}`, SETTING);
  };
  const header = splitCsvLine(lines[0] ?? '');
  if (!header || header.join(',').toLowerCase() !== 'exchange_name,address,type') {
    fail(1, `header must be "exchange_name,address,type", got ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  }
  const byAddress = new Map<string, ExchangeEntry>();
  const exchanges = new Set<string>();
  const firstLine = new Map<string, number>();
  const warnings: string[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n] as string;
    const lineNo = n + 1;
    if (line.trim() === '') continue;
    const f = splitCsvLine(line);
    if (!f) fail(lineNo, 'unbalanced or misplaced double quote');
    if (f!.length !== 3) fail(lineNo, `expected 3 fields (exchange_name,address,type), got ${f!.length}`);
    const [exchange, address, type] = f as [string, string, string];
    if (exchange === '') fail(lineNo, 'empty exchange_name');
    if (!ADDRESS.test(address)) fail(lineNo, `not a Bitcoin address: ${JSON.stringify(address.slice(0, 100))}`);
    if (!TYPE.test(type))
      fail(lineNo, `bad type ${JSON.stringify(type.slice(0, 40))} (expected a word such as wallet, hot_wallet)`);
    const known = byAddress.get(address);
    if (!known) {
      byAddress.set(address, { exchange, types: [type] });
      firstLine.set(address, lineNo);
      exchanges.add(exchange);
    } else if (known.exchange !== exchange) {
      warnings.push(
        `line ${lineNo}: ${address} already listed for ${known.exchange} (line ${firstLine.get(address)}); ignoring ${exchange}`,
      );
    } else if (!known.types.includes(type)) {
      known.types.push(type);
    }
  }
  return { byAddress, exchanges, warnings };
}

/** Reads EXCHANGE_ADDRESSES_FILE; unreadable or malformed -> ConfigError (exit 2). */
export function loadExchangeBook(file: string | undefined): ExchangeBook {
  if (file === undefined) return EMPTY_BOOK;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${SETTING} ${JSON.stringify(file)} cannot be read: ${(err as Error).message}`, SETTING, {
      cause: err,
    });
  }
  return parseExchangeCsv(text, file);
}
