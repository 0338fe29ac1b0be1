// Every hash a block's checks need, for a whole block at once: txids (a segwit tx's from its three
// non-witness ranges), wtxids, the merkle root of each, and the CVE-2012-2459 mutation flag. A
// full-scale day is ~750,000 sha256d of transactions and ~860,000 merkle nodes; one native call
// per block with the CPU's SHA extensions (native/blockhash.c, loaded by nativeHash.ts) does it
// several times faster than per-hash calls from JavaScript, so that is used when it is built, and
// this TypeScript path otherwise. Both give identical bytes (test/chain/blockHash.test.ts).
import { sha256dInto } from './hash.js';
import { RANGE_FIELDS, type TxsLayout } from './layout.js';
import { computeMerkleFlat } from './merkle.js';
import { MUTATED, SEGWIT, nativeHasher, type NativeHasher } from './nativeHash.js';

export interface BlockHashes {
  /** Every txid in block order, 32 bytes each (a fresh array: summaries keep it). */
  txids: Uint8Array;
  /** Every wtxid, the coinbase's as zero and a non-segwit tx's equal to its txid; only when asked for. */
  wtxids?: Uint8Array;
  /** Merkle root of the txids, internal byte order. */
  merkleRoot: Uint8Array;
  /** Two identical sibling nodes somewhere in the txid tree (CVE-2012-2459). */
  mutated: boolean;
  /** Merkle root of the wtxids, undefined when no transaction is segwit (nothing to commit to). */
  witnessRoot: Uint8Array | undefined;
}

export interface HashBlockOptions {
  /** Return the wtxids too (tests, tools); the witness root is computed either way. */
  wtxids?: boolean;
  /** Force the TypeScript path (tests comparing the two). */
  typescript?: boolean;
}

/** Hashes a block laid out by readBlockLayout, natively when the addon is loaded. */
export function hashBlock(l: TxsLayout, opts: HashBlockOptions = {}): BlockHashes {
  const native = opts.typescript ? undefined : nativeHasher();
  return native ? hashBlockNative(native, l, opts.wtxids ?? false) : hashBlockTs(l, opts.wtxids ?? false);
}

/** The native path: one call for the whole block. */
function hashBlockNative(native: NativeHasher, l: TxsLayout, keepWtxids: boolean): BlockHashes {
  const n = l.txCount;
  const txids = new Uint8Array(32 * n);
  const wtxids = keepWtxids ? new Uint8Array(32 * n) : null;
  const roots = new Uint8Array(64);
  const flags = native.hashBlock(l.bytes, l.ranges, n, txids, wtxids, roots);
  return {
    txids,
    wtxids: wtxids ?? undefined,
    merkleRoot: roots.subarray(0, 32),
    mutated: (flags & MUTATED) !== 0,
    witnessRoot: flags & SEGWIT ? roots.subarray(32, 64) : undefined,
  };
}

// A segwit tx's non-witness serialization, copied into one buffer for a single node:crypto call
// (cheaper than three incremental updates per tx at these sizes; measured).
let stripped = new Uint8Array(1 << 16);

/** The TypeScript path: node:crypto for each transaction's first round, sha256.ts for the rest. */
export function hashBlockTs(l: TxsLayout, keepWtxids: boolean): BlockHashes {
  const { bytes, ranges, txCount: n } = l;
  const txids = new Uint8Array(32 * n);
  const wtxids = l.anySegwit || keepWtxids ? new Uint8Array(32 * n) : undefined;
  for (let i = 0; i < n; i++) {
    const o = RANGE_FIELDS * i;
    const start = ranges[o]!;
    const bodyStart = ranges[o + 1]!;
    const bodyEnd = ranges[o + 2]!;
    const end = ranges[o + 3]! + 4;
    if (bodyStart !== start + 4) {
      const len = 4 + (bodyEnd - bodyStart) + 4;
      if (stripped.length < len) stripped = new Uint8Array(Math.max(len, 2 * stripped.length));
      stripped.set(bytes.subarray(start, start + 4), 0);
      stripped.set(bytes.subarray(bodyStart, bodyEnd), 4);
      stripped.set(bytes.subarray(end - 4, end), len - 4);
      sha256dInto(stripped, 0, len, txids, 32 * i);
      if (wtxids && i > 0) sha256dInto(bytes, start, end, wtxids, 32 * i);
    } else {
      sha256dInto(bytes, start, end, txids, 32 * i);
      if (wtxids && i > 0) wtxids.set(txids.subarray(32 * i, 32 * i + 32), 32 * i);
    }
  }
  const { root, mutated } = computeMerkleFlat(txids);
  const witnessRoot = l.anySegwit && wtxids ? computeMerkleFlat(wtxids).root : undefined;
  return { txids, wtxids: keepWtxids ? wtxids : undefined, merkleRoot: root, mutated, witnessRoot };
}
