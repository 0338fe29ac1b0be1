// mempool's `GET /api/v1/backend-info` (backend-info.ts): which version runs and on which backend.
// `backend` ('esplora' | 'electrum' | 'none') came with v3.0 (commit df72829, 2024-04); v2.x answers
// without it, and v2.x also ignores `{"track-mempool": true}`, so it never sends the
// `mempool-transactions` deltas whale-watch reads.
import { SourceError } from '../../errors.js';
import { httpGet, parseJsonBody } from '../httpJson.js';

export const BACKEND_INFO_ENDPOINT = '/api/v1/backend-info';

export interface BackendInfo {
  /** As mempool reports it ("3.2.1"; "?" in a build without version.json). */
  version: string;
  /** null: a backend older than v3.0, which does not say. */
  backend: 'esplora' | 'electrum' | 'none' | null;
  /** Bitcoin Core's subversion as mempool sees it ("/Satoshi:28.1.0/"), when given. */
  coreVersion: string | null;
}

/** The major version (3 for "3.2.1", "v3.0.0-dev"), or null when it cannot be read ("?"). */
export function majorVersion(version: string): number | null {
  const m = /^v?(\d+)\./.exec(version.trim());
  return m ? Number(m[1]) : null;
}

/** Whether this backend sends `mempool-transactions` deltas (v3.0 and later; unknown versions are given the benefit). */
export function sendsDeltas(info: BackendInfo): boolean {
  const major = majorVersion(info.version);
  return major === null ? info.backend !== null : major >= 3;
}

export async function getBackendInfo(url: string, timeoutMs: number): Promise<BackendInfo> {
  const res = await httpGet(url, BACKEND_INFO_ENDPOINT, { service: 'mempool', timeoutMs, attempts: 2, backoffMs: 500 });
  const body = parseJsonBody(res.body, 'mempool', BACKEND_INFO_ENDPOINT);
  const o = body as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || typeof o.version !== 'string')
    throw new SourceError(`mempool ${BACKEND_INFO_ENDPOINT}: expected {version, …}, got ${res.body.slice(0, 60)}`, {
      service: 'mempool',
      endpoint: BACKEND_INFO_ENDPOINT,
      retryable: false,
      invalidAnswer: true,
    });
  const backend = o.backend === 'esplora' || o.backend === 'electrum' || o.backend === 'none' ? o.backend : null;
  return { version: o.version, backend, coreVersion: typeof o.coreVersion === 'string' ? o.coreVersion : null };
}
