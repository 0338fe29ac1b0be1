import path from 'node:path';
import os from 'node:os';
import { ConfigError } from '../errors.js';
import { shown } from './redact.js';

// Field parsers: each names the setting and shows the bad value (masked when the setting is a secret, and
// with any URL credentials cut out, see redact.ts).

export type RawSettings = Readonly<Record<string, string | undefined>>;

/**
 * An environment that notes the default each setting falls back to (given the other values, since
 * some defaults follow others: paths under the data directory, the RPC port of BITCOIN_NETWORK):
 * `health-check --config` reads it to print every effective setting with where it came from.
 */
export const DEFAULTS = Symbol('defaults');
type Noting = RawSettings & { [DEFAULTS]?: Map<string, unknown> };

function note(env: RawSettings, name: string, dflt: unknown): void {
  const m = (env as Noting)[DEFAULTS];
  if (m && !m.has(name)) m.set(name, dflt);
}

function bad(name: string, what: string, value: string): ConfigError {
  return new ConfigError(`${name} must be ${what}, got ${shown(name, value)}`, name);
}

/** The raw string or undefined when absent/blank (a blank line in .env means "use the default"). */
export function raw(env: RawSettings, name: string): string | undefined {
  note(env, name, undefined);
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Other documents' names read for ours (the whale guide's), each to ours; `--config` lists them only when set. */
export const ALIASES = new Map<string, string>();

/**
 * The name to read a setting under: ours, or another program's name for the same thing (the whale
 * guide's MEMORY_THRESHOLD_MB for WHALE_MEMORY_WARN_MB) when only that one is set. Ours wins when both are.
 */
export function alias(env: RawSettings, name: string, other: string): string {
  ALIASES.set(other, name);
  if (raw(env, name) === undefined && raw(env, other) !== undefined) return other;
  return name;
}

export function num(
  env: RawSettings,
  name: string,
  dflt: number,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number {
  note(env, name, dflt);
  const v = raw(env, name);
  if (v === undefined) return dflt;
  // Number('') and Number('0x10') are traps; accept plain decimal notation only.
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) throw bad(name, 'a number', v);
  const n = Number(v);
  if (!Number.isFinite(n)) throw bad(name, 'a finite number', v);
  if (opts.integer && !Number.isInteger(n)) throw bad(name, 'a whole number', v);
  if (opts.min !== undefined && n < opts.min) throw bad(name, `>= ${opts.min}`, v);
  if (opts.max !== undefined && n > opts.max) throw bad(name, `<= ${opts.max}`, v);
  return n;
}

export function int(env: RawSettings, name: string, dflt: number, opts: { min?: number; max?: number } = {}): number {
  return num(env, name, dflt, { ...opts, integer: true });
}

export function url(env: RawSettings, name: string, dflt: string | undefined, protocols: string[]): string | undefined {
  note(env, name, dflt);
  const v = raw(env, name) ?? dflt;
  if (v === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw bad(name, `a URL (${protocols.join(' or ')})`, v);
  }
  if (!protocols.includes(parsed.protocol)) throw bad(name, `a URL with scheme ${protocols.join(' or ')}`, v);
  if (parsed.username || parsed.password) {
    // Credentials in a URL end up in logs and the process list; they belong in their own settings.
    throw new ConfigError(
      `${name} must not contain credentials; use BITCOIN_RPC_USER/BITCOIN_RPC_PASSWORD or the cookie file`,
      name,
    );
  }
  return v.replace(/\/+$/, '');
}

/**
 * A URL, or `none` (any case) for a service the operator does not have: undefined then. A blank value
 * keeps meaning "the default", as everywhere in .env.
 */
export function urlOrNone(env: RawSettings, name: string, dflt: string, protocols: string[]): string | undefined {
  note(env, name, dflt);
  const v = raw(env, name);
  if (v !== undefined && v.toLowerCase() === 'none') return undefined;
  return url(env, name, dflt, protocols);
}

/** true/false, yes/no, on/off, 1/0 (any case). */
export function bool(env: RawSettings, name: string, dflt: boolean): boolean {
  note(env, name, dflt);
  const v = raw(env, name);
  if (v === undefined) return dflt;
  const l = v.toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(l)) return true;
  if (['false', 'no', 'off', '0'].includes(l)) return false;
  throw bad(name, 'true or false', v);
}

/** A host name or IP address (no scheme, no port, no path). */
export function host(env: RawSettings, name: string): string | undefined {
  const v = raw(env, name);
  if (v === undefined) return undefined;
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9a-fA-F:]+)$/.test(v))
    throw bad(name, 'a host name or IP address (no scheme, port or path)', v);
  return v.startsWith('[') ? v.slice(1, -1) : v;
}

/** One of `allowed`, in any case (`LOG_LEVEL=INFO` as the runbook writes it is `info`). */
export function oneOf<T extends string>(env: RawSettings, name: string, dflt: T, allowed: readonly T[]): T {
  note(env, name, dflt);
  const v = raw(env, name);
  if (v === undefined) return dflt;
  const match = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (match === undefined) throw bad(name, `one of ${allowed.join(', ')}`, v);
  return match;
}

/** Expands a leading ~ and resolves against the working directory. */
export function filePath(env: RawSettings, name: string, dflt: string): string {
  note(env, name, dflt);
  const v = raw(env, name) ?? dflt;
  if (v.includes('\0')) throw bad(name, 'a path', v);
  const expanded = v === '~' ? os.homedir() : v.startsWith('~/') ? path.join(os.homedir(), v.slice(2)) : v;
  return path.resolve(expanded);
}
