// A run of consecutive headers in one or two round trips: the date-window search and range mode read
// hundreds of header times, and one getblockhash + getblockheader per height was most of a day's time
// against a slow node. REST `/rest/headers/<count>/<hash>.bin` (Core's rest.cpp rest_headers: at most
// 2000 headers of the active chain from <hash> on, 80 bytes each; the `?count=` form is newer, this
// path form is what every version serves) after one getblockhash; else JSON-RPC batches of
// getblockhash + getblockheader.
import { createHash } from 'node:crypto';
import { DataError, SourceError } from '../../errors.js';
import type { BlockRef } from '../types.js';
import { getBlockRefs } from './blocks.js';
import type { RestClient } from './rest.js';
import type { RpcClient } from './rpc.js';

/** Core's cap on one /rest/headers answer. */
export const MAX_REST_HEADERS = 2000;
const HEADER_BYTES = 80;

const displayHash = (bytes: Uint8Array): string =>
  Buffer.from(createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest())
    .reverse()
    .toString('hex');

/**
 * Refs for the headers in `bytes` (consecutive 80-byte headers starting at `firstHeight` with hash
 * `firstHash`), each checked: the first hashes to `firstHash`, every next one builds on the one before.
 */
export function refsFromHeaders(bytes: Uint8Array, firstHeight: number, firstHash: string): BlockRef[] {
  if (bytes.length % HEADER_BYTES !== 0)
    throw new DataError(`REST headers: ${bytes.length} bytes is not a whole number of 80-byte headers`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refs: BlockRef[] = [];
  for (let at = 0; at < bytes.length; at += HEADER_BYTES) {
    const header = bytes.subarray(at, at + HEADER_BYTES);
    const hash = displayHash(header);
    const height = firstHeight + at / HEADER_BYTES;
    const prev = refs.at(-1);
    if (prev) {
      const builtOn = Buffer.from(header.subarray(4, 36)).reverse().toString('hex');
      if (builtOn !== prev.hash)
        throw new DataError(`REST headers: the header at height ${height} builds on ${builtOn}, not on ${prev.hash}`);
    } else if (hash !== firstHash) {
      throw new DataError(`REST headers: asked from ${firstHash}, got a header hashing to ${hash} (a reorg?)`);
    }
    const time = view.getUint32(at + 68, true);
    if (time <= 0) throw new DataError(`REST headers: the header at height ${height} has time ${time}`);
    refs.push({ height, hash, time });
  }
  return refs;
}

export interface HeaderDeps {
  rpc: RpcClient;
  rest: RestClient | undefined;
}

/**
 * Refs for heights `from .. from+count-1` of the active chain (fewer when the tip comes first).
 * REST when the node serves it; a REST answer that is not 200 falls back to the RPC batches.
 */
export async function getHeaderRefs(deps: HeaderDeps, from: number, count: number): Promise<BlockRef[]> {
  if (!Number.isSafeInteger(from) || from < 0 || !Number.isSafeInteger(count) || count < 1)
    throw new DataError(`a header range needs a height >= 0 and a count >= 1, got ${from} and ${count}`);
  if (deps.rest && (await deps.rest.isAvailable())) {
    const out: BlockRef[] = [];
    try {
      while (out.length < count) {
        const height = from + out.length;
        const hash = await deps.rpc.call<unknown>('getblockhash', [height]);
        if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))
          throw new SourceError(`getblockhash ${height} returned ${JSON.stringify(hash)}`, {
            service: 'bitcoind',
            endpoint: 'getblockhash',
          });
        const n = Math.min(MAX_REST_HEADERS, count - out.length);
        const refs = refsFromHeaders(await deps.rest.getHeaders(n, hash), height, hash);
        if (refs.length === 0) break;
        out.push(...refs);
        if (refs.length < n) break; // the tip
      }
      return out;
    } catch (err) {
      // Only a REST refusal (an old node, a proxy that does not pass the path) falls back; a height past
      // the tip or a bad header is an answer.
      if (!(err instanceof SourceError && err.details.service === 'bitcoind-rest' && !err.details.retryable)) throw err;
    }
  }
  return getBlockRefs(
    deps.rpc,
    Array.from({ length: count }, (_, i) => from + i),
  );
}
