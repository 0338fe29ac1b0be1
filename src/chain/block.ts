// Whole blocks: 80-byte header, varint tx count, the transactions, nothing after. Every check a
// block gets, whichever consumer reads it (parseBlock here, the oracle scan in summary/): the
// framing (layout.ts), the coinbase, the merkle root recomputed from the txids and not mutated
// (CVE-2012-2459), and the BIP141 witness commitment, so no damaged byte can pass as valid.
import { hashBlock, type BlockHashes } from './blockHash.js';
import { toDisplayHex } from './hash.js';
import { HEADER_BYTES } from './header.js';
import { badBlock, hasNullPrevout, readBlockLayout, type BlockLayout } from './layout.js';
import { ByteReader } from './reader.js';
import { txFromLayout } from './tx.js';
import type { Block, ParseBlockOptions, Transaction } from './types.js';
import { checkWitnessCommitment } from './witness.js';

export { HEADER_BYTES, parseBlockHeader } from './header.js';

/**
 * The checks only the whole block shows. Consensus: the first transaction is the coinbase (one
 * input, null prevout). The header's merkle root must be the root of the txids, from a tree without
 * identical siblings; with witness data, the coinbase's commitment must match the wtxids.
 */
export function checkBlock(l: BlockLayout, h: BlockHashes, opts: ParseBlockOptions = {}): void {
  const hash = l.header.hash;
  if (l.firstInput[1] !== 1 || !hasNullPrevout(l, 0)) throw badBlock(hash, 'tx 0 is not a coinbase', HEADER_BYTES);
  if (opts.verifyMerkle ?? true) {
    const computed = toDisplayHex(h.merkleRoot);
    if (computed !== l.header.merkleRoot)
      throw badBlock(
        hash,
        `merkle root of the ${l.txCount} txids is ${computed}, header says ${l.header.merkleRoot}`,
        36,
      );
    if (h.mutated) throw badBlock(hash, 'merkle tree is mutated (duplicate transactions, CVE-2012-2459)', 36);
  }
  if ((opts.verifyWitness ?? true) && h.witnessRoot) checkWitnessCommitment(l, h.witnessRoot);
}

/** A block's layout and hashes, every check made: what both consumers start from. */
export function readCheckedBlock(
  bytes: Uint8Array,
  opts: ParseBlockOptions = {},
): { layout: BlockLayout; hashes: BlockHashes } {
  const layout = readBlockLayout(bytes);
  const hashes = hashBlock(layout);
  checkBlock(layout, hashes, opts);
  return { layout, hashes };
}

/** Parse a whole block and (by default) check it. Any defect is a DataError. */
export function parseBlock(bytes: Uint8Array, opts: ParseBlockOptions = {}): Block {
  const { layout, hashes } = readCheckedBlock(bytes, opts);
  const r = new ByteReader(layout.bytes, 'block');
  const txs = new Array<Transaction>(layout.txCount);
  for (let i = 0; i < layout.txCount; i++)
    txs[i] = txFromLayout(layout, i, hashes.txids.subarray(32 * i, 32 * i + 32), r);
  return { header: layout.header, txs, size: bytes.length };
}
