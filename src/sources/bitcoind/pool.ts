import type { Pool } from 'undici';
import { undici } from '../../lib/commonjs.js';

/** One keep-alive connection pool to the node, bounded, with the request timeouts applied to every call. */
export function nodePool(origin: string, connections: number, timeoutMs: number): Pool {
  return new undici.Pool(origin, {
    connections,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 10_000),
  });
}
