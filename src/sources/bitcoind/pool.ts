import { HttpPool } from '../http/request.js';

/** One keep-alive connection pool to the node, bounded, with the request timeout applied to every call. */
export function nodePool(origin: string, connections: number, timeoutMs: number): HttpPool {
  return new HttpPool(new URL(origin), connections, timeoutMs);
}
