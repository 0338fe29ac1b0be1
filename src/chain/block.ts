// Whole blocks: 80-byte header, varint tx count, the transactions, nothing after.
// The merkle root is recomputed from the txids and must match the header (unless the caller opts
// out), so a block whose bytes were damaged anywhere in a transaction cannot pass as valid.
import { DataError } from '../errors.js';
import { ByteReader } from './reader.js';
import { readTransaction, MIN_TX_BYTES } from './tx.js';
import { sha256d, toDisplayHex } from './hash.js';
import { computeMerkleFlat } from './merkle.js';
import { verifyWitnessCommitment } from './witness.js';
import type { Block, BlockHeader, ParseBlockOptions, Transaction } from './types.js';

export const HEADER_BYTES = 80;

/** The header from the first 80 bytes (anything after them is ignored here). */
export function parseBlockHeader(bytes: Uint8Array): BlockHeader {
  const r = new ByteReader(bytes, 'block header');
  return readHeader(r);
}

function readHeader(r: ByteReader): BlockHeader {
  const start = r.pos;
  const version = r.i32('header version');
  const prev = r.bytesView(32, 'header prev hash');
  const merkle = r.bytesView(32, 'header merkle root');
  const time = r.u32('header time');
  const bits = r.u32('header bits');
  const nonce = r.u32('header nonce');
  const hash = toDisplayHex(sha256d(r.bytes.subarray(start, start + HEADER_BYTES)));
  return { version, prevHash: toDisplayHex(prev), merkleRoot: toDisplayHex(merkle), time, bits, nonce, hash };
}

/**
 * The header's merkle root must be the root of the block's txids (laid end to end, 32 bytes each),
 * and the tree must not be mutated (CVE-2012-2459). Shared by parseBlock and analyze's scanBlock.
 */
export function verifyMerkleRoot(header: BlockHeader, txids: Uint8Array): void {
  const { root, mutated } = computeMerkleFlat(txids);
  const computed = toDisplayHex(root);
  if (computed !== header.merkleRoot) {
    throw new DataError(
      `bad block ${header.hash}: merkle root of the ${txids.length / 32} txids is ${computed}, header says ${header.merkleRoot}`,
      36,
    );
  }
  if (mutated)
    throw new DataError(`bad block ${header.hash}: merkle tree is mutated (duplicate transactions, CVE-2012-2459)`, 36);
}

/** Parse a whole block and (by default) check its merkle root. Any defect is a DataError. */
export function parseBlock(bytes: Uint8Array, opts: ParseBlockOptions = {}): Block {
  const r = new ByteReader(bytes, 'block');
  const header = readHeader(r);
  const nTx = r.count('tx count', MIN_TX_BYTES);
  if (nTx === 0) throw r.fail('tx count is 0 (a block needs its coinbase)', HEADER_BYTES);
  const txs = new Array<Transaction>(nTx);
  const starts = new Array<number>(nTx + 1); // tx byte ranges, for wtxids
  for (let i = 0; i < nTx; i++) {
    r.place.tx = i;
    starts[i] = r.pos;
    txs[i] = readTransaction(r);
  }
  starts[nTx] = r.pos;
  r.place.tx = -1;
  r.place.part = '';
  r.expectEnd(`the last of ${nTx} transactions`);

  // Consensus: the first transaction is the coinbase (and BIP34 reads the height from it).
  if (!txs[0]!.isCoinbase) throw new DataError(`bad block ${header.hash}: tx 0 is not a coinbase`, HEADER_BYTES);

  if (opts.verifyMerkle ?? true) {
    const txids = new Uint8Array(32 * nTx);
    txs.forEach((t, i) => txids.set(t.txidLE, 32 * i));
    verifyMerkleRoot(header, txids);
  }
  if (opts.verifyWitness ?? true) {
    verifyWitnessCommitment(txs, (i) => bytes.subarray(starts[i], starts[i + 1]), header.hash);
  }
  return { header, txs, size: bytes.length };
}
