import { pino, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type Pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  job: string;
  run: string;
  level?: string;
  format?: 'json' | 'pretty' | 'auto';
  /** Where lines go; stderr by default so stdout stays clean for --json. */
  fd?: number;
  /**
   * Hands each finished line (pretty or JSON, as for `fd`) to this function instead of writing
   * it: a progress display on stderr prints it above itself rather than letting it print over it.
   */
  write?: (text: string) => void;
}

// Field names that may carry a secret anywhere in a log object; pino replaces their values.
const REDACT = [
  'password',
  'secret',
  'cookie',
  'authorization',
  '*.password',
  '*.secret',
  '*.cookie',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'bitcoinRpcPassword',
  'alertWebhookSecret',
  'whaleWebhookSecret',
  '*.bitcoinRpcPassword',
  '*.alertWebhookSecret',
  '*.whaleWebhookSecret',
];

/** pino-pretty only when a person is watching (~55 ms of loading a cron run does not need). */
function loadPretty(): typeof Pretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof Pretty;
}

/**
 * One logger per run, child fields {job, run}. Synchronous destination: a cron job is short-lived
 * and an asynchronous buffer would lose the last lines when the process exits.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const fd = opts.fd ?? 2;
  const wantPretty = opts.format === 'pretty' || (opts.format !== 'json' && fd === 2 && process.stderr.isTTY === true);
  const base = {
    level: opts.level ?? 'info',
    redact: { paths: REDACT, censor: '***' },
    base: { job: opts.job, run: opts.run },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names, not pino's numbers, so the runbook's `grep -i error <job>.log` finds the errors.
    formatters: { level: (label: string) => ({ level: label }) },
  };
  // How pretty lines look, whether they are written to `fd` or handed to `write`.
  const look = { colorize: process.stderr.isTTY === true, ignore: 'pid,hostname', translateTime: 'SYS:standard' };
  if (opts.write) {
    const write = opts.write;
    const pretty = wantPretty ? loadPretty().prettyFactory(look) : undefined;
    return pino(base, { write: (line: string) => write(pretty ? pretty(line) : line) });
  }
  const dest = wantPretty
    ? loadPretty()({ destination: fd, sync: true, ...look })
    : pino.destination({ fd, sync: true });
  return pino(base, dest);
}

/** A logger that drops everything, for library calls made without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
