// Heights -> refs (batched getblockhash + getblockheader) and refs -> raw blocks (parallel,
// bounded), each block checked against what was asked: its header hashes to the ref's hash and
// links to the previous ref. A mismatch means the node reorged under us or served the wrong block.
import { createHash } from 'node:crypto';
import { DataError, SourceError } from '../../errors.js';
import type { BlockRef, RawBlock } from '../types.js';
import type { RestClient } from './rest.js';
import type { RpcClient } from './rpc.js';

/** Calls per batched HTTP request: big enough to save round trips, small enough to bound a reply. */
const BATCH = 250;
const HASH_RE = /^[0-9a-f]{64}$/;

const displayHash = (bytes: Uint8Array): string =>
  Buffer.from(createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest())
    .reverse()
    .toString('hex');

export async function getBlockRefs(rpc: RpcClient, heights: readonly number[]): Promise<BlockRef[]> {
  for (const h of heights)
    if (!Number.isSafeInteger(h) || h < 0) throw new DataError(`block height must be a non-negative integer, got ${h}`);
  const refs: BlockRef[] = [];
  for (let i = 0; i < heights.length; i += BATCH) {
    const chunk = heights.slice(i, i + BATCH);
    const hashes = await rpc.batch<unknown>(chunk.map((h) => ({ method: 'getblockhash', params: [h] })));
    hashes.forEach((hash, j) => {
      if (typeof hash !== 'string' || !HASH_RE.test(hash))
        throw new SourceError(`getblockhash ${chunk[j]} returned ${JSON.stringify(hash)}, not a block hash`, {
          service: 'bitcoind',
          endpoint: 'getblockhash',
        });
    });
    const headers = await rpc.batch<unknown>(
      hashes.map((hash) => ({ method: 'getblockheader', params: [hash, true] })),
    );
    headers.forEach((hdr, j) => {
      const o = hdr as { hash?: unknown; height?: unknown; time?: unknown; previousblockhash?: unknown } | null;
      const height = chunk[j]!;
      if (
        !o ||
        o.hash !== hashes[j] ||
        o.height !== height ||
        !Number.isSafeInteger(o.time) ||
        (o.time as number) <= 0
      ) {
        // The hash at this height changed between the two batches, or the reply is malformed.
        throw new DataError(
          `reorg or wrong block at height ${height}: getblockheader ${String(hashes[j])} answered ${JSON.stringify({ hash: o?.hash, height: o?.height, time: o?.time })}`,
        );
      }
      // Consecutive heights must form one chain, as the REST headers are checked to (headers.ts):
      // the two batches of a chunk, or two chunks, can straddle a reorg.
      const prev = refs.at(-1);
      if (prev && prev.height === height - 1 && o.previousblockhash !== prev.hash)
        throw new DataError(
          `reorg or wrong block at height ${height}: it builds on ${String(o.previousblockhash)}, not on ${prev.hash} at height ${prev.height}`,
        );
      refs.push({ height, hash: hashes[j] as string, time: o.time as number });
    });
  }
  return refs;
}

/** Throws when the bytes are not the block `ref` names, or do not extend `prev` (the ref one below). */
export function verifyBlock(ref: BlockRef, bytes: Uint8Array, prev: BlockRef | undefined): void {
  if (bytes.length < 81)
    throw new DataError(`reorg or wrong block at height ${ref.height}: ${bytes.length} bytes is not a block`);
  const got = displayHash(bytes.subarray(0, 80));
  if (got !== ref.hash)
    throw new DataError(
      `reorg or wrong block at height ${ref.height}: asked for ${ref.hash}, got a block hashing to ${got}`,
    );
  if (prev && prev.height === ref.height - 1) {
    const prevHash = Buffer.from(bytes.subarray(4, 36)).reverse().toString('hex');
    if (prevHash !== prev.hash)
      throw new DataError(
        `reorg or wrong block at height ${ref.height}: it builds on ${prevHash}, not on ${prev.hash} at height ${prev.height}`,
      );
  }
}

export interface FetchDeps {
  rpc: RpcClient;
  rest: RestClient | undefined;
  concurrency: number;
}

async function fetchOne(deps: FetchDeps, ref: BlockRef): Promise<Uint8Array> {
  if (deps.rest && (await deps.rest.isAvailable())) return deps.rest.getBlock(ref.hash);
  const hex = await deps.rpc.call<unknown>('getblock', [ref.hash, 0]);
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex.slice(0, 160))) {
    throw new SourceError(`getblock ${ref.hash} 0 did not return hex`, { service: 'bitcoind', endpoint: 'getblock' });
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Fetches in parallel (at most `concurrency` at once); onBlock sees blocks in ref order. */
export async function getRawBlocks(
  deps: FetchDeps,
  refs: readonly BlockRef[],
  onBlock?: (block: RawBlock) => void,
): Promise<RawBlock[]> {
  const out = new Array<RawBlock | undefined>(refs.length);
  let next = 0;
  let delivered = 0;
  let failed = false;
  const deliver = (): void => {
    while (delivered < refs.length && out[delivered]) {
      const block = out[delivered++]!; // not inside onBlock?.(...): an absent callback would skip the ++
      onBlock?.(block);
    }
  };
  const worker = async (): Promise<void> => {
    while (!failed && next < refs.length) {
      const i = next++;
      const ref = refs[i]!;
      try {
        const bytes = await fetchOne(deps, ref);
        verifyBlock(ref, bytes, refs[i - 1]);
        out[i] = { ref, bytes };
        deliver();
      } catch (err) {
        failed = true; // stop the other workers taking new work
        throw err;
      }
    }
  };
  const n = Math.max(1, Math.min(deps.concurrency, refs.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out as RawBlock[];
}
