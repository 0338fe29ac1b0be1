import { ConfigError } from '../errors.js';
import type { EnvKey } from './envFile.js';

// Unknown keys in .env. The file may be shared with other programs (a docker-compose .env, a node's
// own settings), so a key that is plainly not ours is left alone; a key that looks like ours — one of
// our prefixes, or a near miss of a setting's name — is a typo that would otherwise run the job on the
// default it was meant to change (UTXORACLE_CONFIDENCE_TRESHOLD), and stops the job.

/** The prefixes of our settings' names. */
const OUR_PREFIXES = [
  'UTXORACLE_',
  'BITCOIN_',
  'ELECTRS_',
  'MEMPOOL_',
  'WHALE_',
  'HEALTH_',
  'BACKUP_',
  'ARCHIVE_',
  'ALERT_',
  'DUCKDB_',
  'BLOCK_CACHE_',
  'ANALYZE_',
  'EXCHANGE_',
  'SOURCE_',
  'LOG_',
];

/** Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest known name within a typo's reach (a quarter of the name's length, at most 3 edits). */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const upper = name.toUpperCase();
  const reach = Math.min(3, Math.max(1, Math.floor(name.length / 4)));
  let best: string | undefined;
  let bestDistance = reach + 1;
  for (const k of known) {
    const d = editDistance(upper, k, reach);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/**
 * Switches read from the process environment only, never from .env (the file is not copied into the
 * environment): UTXORACLE_NATIVE_HASH is needed by `npm ci` too, before any .env is read.
 */
const ENVIRONMENT_ONLY: ReadonlyMap<string, string> = new Map([
  ['UTXORACLE_NATIVE_HASH', 'it is read at install and at start; set it in the crontab or the shell'],
]);

/**
 * Keys of the operator documents this suite implements (the whale guide's .env) for features it does
 * differently: each gets one warning saying what to use instead, and the job runs. Exact names, or
 * prefixes ending in `_`.
 */
const FOREIGN: readonly (readonly [string, string])[] = [
  ['SMTP_', 'no e-mail is sent by this suite: point ALERT_WEBHOOK_URL at a webhook-to-mail relay'],
  ['ALERT_EMAIL_TO', 'no e-mail is sent by this suite: point ALERT_WEBHOOK_URL at a webhook-to-mail relay'],
  [
    'JWT_',
    'there is no WebSocket broadcaster to authenticate: whale alerts go to WHALE_WEBHOOK_URL (or ALERT_WEBHOOK_URL)',
  ],
  ['BROADCASTER_', 'there is no WebSocket broadcaster: whale alerts go to WHALE_WEBHOOK_URL (or ALERT_WEBHOOK_URL)'],
  ['DB_PATH', 'use WHALE_DB_PATH for the whale database (DUCKDB_PATH is the price database)'],
  ['WEBHOOK_URL', 'use ALERT_WEBHOOK_URL (and WHALE_WEBHOOK_URL to send whale alerts elsewhere)'],
  ['WEBHOOK_SECRET', 'use ALERT_WEBHOOK_SECRET (WHALE_WEBHOOK_SECRET for the whale webhook)'],
  ['WEBHOOK_ENABLED', 'alerts are sent whenever ALERT_WEBHOOK_URL is set'],
  [
    'WEBHOOK_RETRY_',
    'each delivery is tried 3 times within a few seconds (a cron job must not stall on a dead webhook)',
  ],
];

/** What to use instead of a key of the operator documents that this suite does differently, or undefined. */
export function foreignAdvice(name: string): string | undefined {
  const upper = name.toUpperCase();
  return FOREIGN.find(([k]) => (k.endsWith('_') ? upper.startsWith(k) : upper === k))?.[1];
}

/**
 * Throws for the first key of `keys` that is not known but looks like one of ours; returns one notice
 * for each key of the operator documents that this suite does differently (foreignAdvice).
 */
export function checkUnknownKeys(keys: readonly EnvKey[], known: ReadonlySet<string>, file: string): string[] {
  const notices: string[] = [];
  for (const { name, line } of keys) {
    if (known.has(name)) continue;
    const advice = foreignAdvice(name);
    if (advice) {
      notices.push(`${file} line ${line}: ${name} is not used by utxoracle-ops: ${advice}`);
      continue;
    }
    const why = ENVIRONMENT_ONLY.get(name);
    if (why)
      throw new ConfigError(`${file} line ${line}: ${name} is an environment variable, not a setting: ${why}`, name);
    const suggestion = closestName(name, known);
    const ours = OUR_PREFIXES.some((p) => name.toUpperCase().startsWith(p));
    if (!suggestion && !ours) continue;
    const hint = suggestion ? `; did you mean ${suggestion}?` : ' (not a utxoracle-ops setting; see .env.example)';
    throw new ConfigError(`${file} line ${line}: unknown setting ${name}${hint}`, name);
  }
  return notices;
}
