import fs from 'node:fs';
import type { Settings } from '../config/settings.js';
import { cookieFileOf } from '../sources/fromSettings.js';
import type { CheckResult } from './types.js';

// Check messages quote what services said (error texts, URLs). A service could echo a credential
// back, so every secret we hold is masked in everything the report prints or writes.

/** The secrets this run knows: RPC password, the cookie's password, the webhook secret. */
export function knownSecrets(
  s: Pick<
    Settings,
    | 'bitcoinRpcPassword'
    | 'alertWebhookSecret'
    | 'whaleWebhookSecret'
    | 'bitcoinRpcCookieFile'
    | 'bitcoinDatadir'
    | 'bitcoinNetwork'
  >,
): string[] {
  const out = [s.bitcoinRpcPassword, s.alertWebhookSecret, s.whaleWebhookSecret];
  try {
    const cookie = fs.readFileSync(cookieFileOf(s), 'utf8').trim();
    out.push(cookie, cookie.slice(cookie.indexOf(':') + 1));
  } catch {
    // No readable cookie: nothing of it can leak.
  }
  // Very short values would mask ordinary words; a real secret is longer than this.
  return out.filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

export function maskText(text: string, secrets: readonly string[]): string {
  let t = text;
  for (const s of secrets) t = t.split(s).join('***');
  return t;
}

function maskValue(v: unknown, secrets: readonly string[]): unknown {
  if (typeof v === 'string') return maskText(v, secrets);
  if (Array.isArray(v)) return v.map((x) => maskValue(x, secrets));
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskValue(x, secrets)]));
  }
  return v;
}

/** Log calls with every string masked, for clients that log what a service answered. */
export interface MaskingLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export function maskingLogger(log: MaskingLogger, secrets: readonly string[]): MaskingLogger {
  const mask = (obj: object, msg?: string): [object, string | undefined] => [
    maskValue(obj, secrets) as object,
    msg === undefined ? undefined : maskText(msg, secrets),
  ];
  return {
    debug: (obj, msg) => log.debug(...mask(obj, msg)),
    warn: (obj, msg) => log.warn(...mask(obj, msg)),
  };
}

export function maskResult(c: CheckResult, secrets: readonly string[]): CheckResult {
  if (secrets.length === 0) return c;
  return {
    ...c,
    message: maskText(c.message, secrets),
    details: c.details ? (maskValue(c.details, secrets) as Record<string, unknown>) : undefined,
  };
}
