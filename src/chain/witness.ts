// BIP141 witness commitment: the txid merkle root does not cover witnesses, so a damaged witness
// (which the oracle reads: its 500-byte rule) would pass unnoticed. The coinbase commits to the
// merkle root of the wtxids; checking it makes witness bytes as trustworthy as the rest.
import { sha256d, toHex } from './hash.js';
import { badBlock, type BlockLayout } from './layout.js';

/** Output script prefix of a witness commitment: OP_RETURN, push 36, then the tag aa21a9ed. */
const COMMITMENT_TAG = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];
const COMMITMENT_SCRIPT_BYTES = 38;

/** Where the commitment lives: the LAST coinbase output that carries the tag (BIP141). */
function findCommitment(l: BlockLayout): Uint8Array | undefined {
  const b = l.bytes;
  for (let k = l.firstOutput[1]! - 1; k >= 0; k--) {
    const s = l.scriptAt[k]!;
    if (l.scriptLen[k]! >= COMMITMENT_SCRIPT_BYTES && COMMITMENT_TAG.every((v, j) => b[s + j] === v))
      return b.subarray(s + 6, s + COMMITMENT_SCRIPT_BYTES);
  }
  return undefined;
}

/**
 * The commitment (32 bytes from the coinbase's last tagged output) must be sha256d(merkle root of
 * the wtxids || the coinbase's 32-byte reserved value), the reserved value being the coinbase
 * input's witness, exactly one 32-byte item. Only for blocks with witness data (`witnessRoot`
 * defined): a block with no segwit transaction needs no commitment.
 */
export function checkWitnessCommitment(l: BlockLayout, witnessRoot: Uint8Array): void {
  const blockHash = l.header.hash;
  const commitment = findCommitment(l);
  if (!commitment) throw badBlock(blockHash, 'has witness data but no witness commitment in its coinbase (BIP141)');
  const items = l.witnessItems[0]!;
  if (items !== 1 || l.witnessBytes[0] !== 32)
    throw badBlock(blockHash, `coinbase witness must be one 32-byte reserved value (BIP141), got ${items} item(s)`);
  const at = l.witnessAt[0]! + 2; // item count 1 and length 32 are one byte each (shortest varints)
  const expected = sha256d(witnessRoot, l.bytes.subarray(at, at + 32));
  if (toHex(expected) !== toHex(commitment)) {
    throw badBlock(
      blockHash,
      `witness commitment ${toHex(commitment)} does not match the witnesses (computed ${toHex(expected)})`,
    );
  }
}
