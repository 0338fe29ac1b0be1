import fs from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { EXIT } from '../errors.js';
import { systemClock, type Clock } from '../lib/clock.js';

/** Our package.json, found upward from this file (src/ when tested, dist/src/ when built). */
function packageVersion(): string {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    const candidate = new URL('package.json', dir);
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'utxoracle-ops') return pkg.version;
    }
    dir = new URL('..', dir);
  }
  return '0.0.0';
}

/**
 * A commander program with the flags every job shares; bad usage exits 2, as documented, with one
 * line on stderr (`analyze: unknown option '--bogus' (see analyze --help)`): a cron mail or a log
 * holds the mistake, not the whole help text.
 */
export function createProgram(name: string, description: string, opts: { dryRun?: boolean } = {}): Command {
  const program = new Command(name)
    .description(description)
    .version(packageVersion(), '--version')
    .option('--json', 'print the result as one JSON document on stdout (logs stay on stderr)')
    .option('--verbose', 'debug logs')
    .configureOutput({
      outputError: (text, write) => write(`${name}: ${text.replace(/^error: /, '').trim()} (see ${name} --help)\n`),
    })
    .exitOverride((err: CommanderError) => {
      // --help and --version are not errors.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        process.exit(EXIT.OK);
      process.exit(EXIT.USAGE);
    });
  if (opts.dryRun) program.option('--dry-run', 'do all the work and the reads, write nothing');
  return program;
}

export function parsePositiveInt(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) <= 0)
      throw new InvalidArgumentError(`${name} must be a positive whole number, got ${JSON.stringify(v)}`);
    return Number(v);
  };
}

/** "55s", "10m", "2h", "90d" or plain seconds -> milliseconds. */
export function parseDuration(name: string) {
  return (v: string): number => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v.trim());
    if (!m)
      throw new InvalidArgumentError(`${name} must be a duration like 55s, 10m, 2h or 90d, got ${JSON.stringify(v)}`);
    const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
      (m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'
    ];
    const ms = Number(m[1]) * unit;
    if (!(ms > 0)) throw new InvalidArgumentError(`${name} must be positive, got ${JSON.stringify(v)}`);
    return ms;
  };
}

/** Bad usage found after parsing (flags that do not go together): the same one line, exit 2. */
export function usageError(program: Command, message: string): never {
  program.error(message, { exitCode: EXIT.USAGE });
}

/**
 * A UTC day `YYYY-MM-DD` that is over: a price is read from a finished day's blocks, so today and
 * later days are bad usage, not a failure to retry (`now` is for tests).
 */
export function parseDate(name: string, clock: Pick<Clock, 'now'> = systemClock) {
  return (v: string): string => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
    if (!m || !d || d.toISOString().slice(0, 10) !== v)
      throw new InvalidArgumentError(`${name} must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    if (v > today) throw new InvalidArgumentError(`${name} ${v} is in the future (today is ${today} UTC)`);
    if (v === today) throw new InvalidArgumentError(`${name} ${v} is today: a UTC day can be priced once it is over`);
    return v;
  };
}
