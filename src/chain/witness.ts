// BIP141 witness commitment: the txid merkle root does not cover witnesses, so a damaged witness
// (which the oracle reads: its 500-byte rule) would pass unnoticed. The coinbase commits to the
// merkle root of the wtxids; checking it makes witness bytes as trustworthy as the rest.
import { DataError } from '../errors.js';
import { computeMerkleFlat } from './merkle.js';
import { sha256d, sha256dOne, toHex } from './hash.js';
import type { Transaction } from './types.js';

/** Output script prefix of a witness commitment: OP_RETURN, push 36, then the tag aa21a9ed. */
export const COMMITMENT_TAG = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

/** Where the commitment lives: the LAST coinbase output that carries the tag (BIP141). */
function findCommitment(coinbase: Transaction): Uint8Array | undefined {
  for (let i = coinbase.outputs.length - 1; i >= 0; i--) {
    const s = coinbase.outputs[i]!.script;
    if (s.length >= 38 && COMMITMENT_TAG.every((b, k) => s[k] === b)) return s.subarray(6, 38);
  }
  return undefined;
}

/**
 * The BIP141 check itself: the commitment (32 bytes from the coinbase's last tagged output) must be
 * sha256d(merkle root of the wtxids || the coinbase's 32-byte reserved value). `wtxids` are laid
 * end to end, the coinbase's as zero; `reserved` is undefined unless the coinbase's first input has
 * exactly one 32-byte witness item (it has `reservedItems`). Shared by parseBlock and scanBlock.
 */
export function checkWitnessCommitment(
  blockHash: string,
  wtxids: Uint8Array,
  commitment: Uint8Array | undefined,
  reserved: Uint8Array | undefined,
  reservedItems: number,
): void {
  if (!commitment)
    throw new DataError(`bad block ${blockHash}: has witness data but no witness commitment in its coinbase (BIP141)`);
  if (!reserved)
    throw new DataError(
      `bad block ${blockHash}: coinbase witness must be one 32-byte reserved value (BIP141), got ${reservedItems} item(s)`,
    );
  const expected = sha256d(computeMerkleFlat(wtxids).root, reserved);
  if (toHex(expected) !== toHex(commitment)) {
    throw new DataError(
      `bad block ${blockHash}: witness commitment ${toHex(commitment)} does not match the witnesses (computed ${toHex(expected)})`,
    );
  }
}

/**
 * Check the witness commitment when the block carries witness data. A block with no segwit
 * transaction needs none (pre-segwit blocks, or blocks that simply have no witnesses).
 * `wtxid` hashes the full serialization; the coinbase's wtxid counts as all zero.
 */
export function verifyWitnessCommitment(
  txs: readonly Transaction[],
  bytesOf: (i: number) => Uint8Array,
  blockHash: string,
): void {
  if (!txs.some((t) => t.segwit)) return;
  const coinbase = txs[0]!;
  const stack = coinbase.inputs[0]!.witness;
  const wtxids = new Uint8Array(32 * txs.length);
  txs.forEach((t, i) => {
    if (i > 0) wtxids.set(t.segwit ? sha256dOne(bytesOf(i)) : t.txidLE, 32 * i);
  });
  const reserved = stack.length === 1 && stack[0]!.length === 32 ? stack[0] : undefined;
  checkWitnessCommitment(blockHash, wtxids, findCommitment(coinbase), reserved, stack.length);
}
