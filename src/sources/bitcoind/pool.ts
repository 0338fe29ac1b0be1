import { HttpPool } from '../http/request.js';

/**
 * One keep-alive connection pool to the node, bounded, with the request timeout applied to every
 * call. `base` is BITCOIN_RPC_URL without credentials: a path prefix in it (a proxy) is kept.
 */
export function nodePool(base: string, connections: number, timeoutMs: number): HttpPool {
  return new HttpPool(base, connections, timeoutMs, 'Bitcoin Core');
}
