// What a message may show of a setting's value. A URL can carry credentials (`http://user:pw@host`),
// and a malformed one (`htp://user:pw@host`, a port that is not a number) is exactly the value an
// error message wants to echo, so credentials are cut out of the raw text before anything parses it.

/** Settings whose whole value is a secret: shown as *** whatever it holds. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'BITCOIN_RPC_PASSWORD',
  'ALERT_WEBHOOK_SECRET',
  'WHALE_WEBHOOK_SECRET',
]);

/**
 * Webhook URLs whose path is the credential (Slack's /services/T…/B…/<token>, Discord's
 * /api/webhooks/<id>/<token>, an ntfy topic): shown as their origin only.
 */
export const WEBHOOK_URL_SETTINGS: ReadonlySet<string> = new Set(['ALERT_WEBHOOK_URL', 'WHALE_WEBHOOK_URL']);

/** `https://hooks.slack.com/services/T0/B0/xyz` -> `https://hooks.slack.com/***`; credentials cut out too. */
export function redactWebhookUrl(value: string): string {
  const v = redactCredentials(value);
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)(.*)$/.exec(v);
  if (!m) return '***';
  return m[2] === '' || m[2] === '/' ? m[1]! : `${m[1]}/***`;
}

/**
 * The value with anything that may be URL credentials masked: from the start of the authority (after
 * `scheme://`, or the start when there is no scheme) up to the last `@` anywhere in the text. A
 * malformed password may itself hold `/`, `?` or `#`, so the last `@` is taken rather than the
 * authority's; a path with an `@` in it is masked too, which costs a little of the message, never a secret.
 */
export function redactCredentials(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(value);
  const start = scheme ? scheme[0].length : 0;
  if (at < start) return value;
  return `${value.slice(0, start)}***@${value.slice(at + 1)}`;
}

/** A setting's value as an error message may quote it (JSON-quoted, secrets and credentials masked). */
export function shown(name: string, value: string): string {
  if (SECRET_SETTINGS.has(name)) return '"***"';
  return JSON.stringify(WEBHOOK_URL_SETTINGS.has(name) ? redactWebhookUrl(value) : redactCredentials(value));
}
