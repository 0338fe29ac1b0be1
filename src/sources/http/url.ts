// Base URLs as operators write them: with a path prefix (a service behind nginx at
// https://host/electrs, mempool's own /api proxy) and over TLS. `new URL('/tx/…', base)` would throw
// the prefix away, so every request path is appended to the base's path instead.
import { redactCredentials } from '../../config/redact.js';

/** `base` + `path`: `http://h/api` and `/tx/1` give `http://h/api/tx/1` (the query of `base` is dropped). */
export function joinUrl(base: string | URL, path: string): URL {
  const b = new URL(base);
  const prefix = b.pathname.replace(/\/+$/, '');
  const rest = path.startsWith('/') ? path : `/${path}`;
  const [pathname, query] = rest.split('?', 2) as [string, string | undefined];
  b.pathname = prefix + pathname;
  b.search = query === undefined ? '' : `?${query}`;
  b.hash = '';
  return b;
}

/** A URL as a message may show it: credentials cut out, no trailing slash. */
export function shownUrl(url: string | URL): string {
  return redactCredentials(String(url)).replace(/\/+$/, '');
}
