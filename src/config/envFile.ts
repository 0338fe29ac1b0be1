import { dotenv } from '../lib/commonjs.js';
import { ConfigError } from '../errors.js';

// A .env file read strictly. dotenv itself skips whatever it cannot read as KEY=value, so a line
// without `=`, a stray word or a pasted fragment would silently run the job on its defaults. Here
// each line must be blank, a comment, or an assignment dotenv accepts (`KEY=value`, `export KEY=value`,
// `KEY: value`, values quoted with ' " or ` that may span lines); anything else is an error naming the
// file and the line. The line's text is never quoted: a malformed line may be a bare password.

export interface EnvKey {
  name: string;
  /** 1-based line of the assignment. */
  line: number;
}

export interface EnvFile {
  values: Record<string, string>;
  keys: EnvKey[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=|:\s)/;
const QUOTES = new Set(["'", '"', '`']);

/** Where a value opened with `quote` at `from` closes (a backslash escapes the quote), or -1. */
function closingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/**
 * Parses `raw` strictly. `isSetting` tells a setting's name: a line that starts with one but has no
 * `=` (`MIN_PRICE_USD 200000`) is named in the error, without its value.
 */
export function parseEnvFile(raw: string, file: string, isSetting: (name: string) => boolean = () => false): EnvFile {
  // An editor's byte-order mark would make the first line look malformed (dotenv keeps it in the key).
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const keys: EnvKey[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      const first = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)/.exec(line)?.[1];
      if (first && isSetting(first))
        throw new ConfigError(`${file} line ${i + 1}: ${first} has no "=": write it as ${first}=<value>`, first);
      throw new ConfigError(`${file} line ${i + 1}: not a KEY=value line`, 'UTXORACLE_ENV_FILE');
    }
    keys.push({ name: m[1]!, line: i + 1 });
    const rest = line.slice(m[0].length).trimStart();
    const quote = rest[0];
    if (quote === undefined || !QUOTES.has(quote)) continue;
    // A quoted value may run over several lines: skip to the line that closes it.
    let tail = rest.slice(1);
    let end = i;
    while (closingQuote(tail, 0, quote) < 0 && end + 1 < lines.length) {
      end++;
      tail += '\n' + (lines[end] ?? '');
    }
    if (closingQuote(tail, 0, quote) < 0) {
      throw new ConfigError(`${file} line ${i + 1}: ${m[1]}'s value opens a ${quote} quote it never closes`, m[1]);
    }
    i = end;
  }
  return { values: dotenv.parse(text), keys };
}
