// Raw block -> BlockSummary in one pass, with every check parseBlock makes (framing, canonical
// sizes, amounts, coinbase, merkle root and mutation, BIP141 witness commitment) but without
// building a Transaction object per transaction: the analyze job summarises every block of a
// day, and parseBlock's objects, views and strings cost more than the hashing (GC alone was a
// quarter of the time). Equivalence with summarizeBlock(parseBlock(bytes)) is tested on real
// blocks, synthetic days and mutated blocks (test/analyze/scanBlock.test.ts).

import { hash } from 'node:crypto';
import { HEADER_BYTES, parseBlockHeader, verifyMerkleRoot } from '../chain/block.js';
import { ByteReader } from '../chain/reader.js';
import { secondRoundInto } from '../chain/sha256.js';
import {
  MIN_TX_BYTES,
  isNullPrevoutAt,
  readInputCount,
  readOutputCount,
  readSegwitMarker,
  superfluousWitness,
} from '../chain/tx.js';
import { COMMITMENT_TAG, checkWitnessCommitment } from '../chain/witness.js';
import { DataError } from '../errors.js';
import {
  MAX_INPUTS,
  MAX_WITNESS_BYTES,
  OP_RETURN,
  REQUIRED_OUTPUTS,
  TXID_BYTES,
  inRangeBtc,
  type BlockSummary,
  type Candidate,
} from '../oracle/outputs.js';

/** Grows a scratch array to hold at least `n` elements (contents are not kept). */
function atLeast<T extends Int32Array | Uint8Array>(a: T, n: number, make: (n: number) => T): T {
  return a.length >= n ? a : make(Math.max(n, 2 * a.length));
}

// Scratch space reused from block to block (a scan is synchronous).
let inputAt = new Int32Array(64);
let stripped = new Uint8Array(1 << 16);

/** sha256d of bytes[start..end) into out at off: the first round natively, the second in TypeScript. */
function sha256dNative(bytes: Uint8Array, start: number, end: number, out: Uint8Array, off: number): void {
  secondRoundInto(hash('sha256', bytes.subarray(start, end), 'buffer'), out, off);
}

export function scanBlock(raw: Uint8Array, height: number): BlockSummary {
  if (!Number.isSafeInteger(height) || height < 0)
    throw new DataError(`block height must be a non-negative integer, got ${height}`);
  // A plain Uint8Array: subarray() of a Buffer makes Buffer objects, which are slower to create.
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const r = new ByteReader(bytes, 'block');
  const header = parseBlockHeader(bytes);
  r.pos = HEADER_BYTES;
  const nTx = r.count('tx count', MIN_TX_BYTES);
  if (nTx === 0) throw r.fail('tx count is 0 (a block needs its coinbase)', HEADER_BYTES);

  const txids = new Uint8Array(TXID_BYTES * nTx);
  const wtxids = new Uint8Array(TXID_BYTES * nTx); // filled only if some transaction is segwit
  const candidates: Candidate[] = [];
  let anySegwit = false;
  let coinbaseOk = false;
  let commitment = -1; // offset of the coinbase's last witness commitment (32 bytes)
  let reserved = -1; // offset of the coinbase's witness reserved value, when it is one 32-byte item
  let reservedItems = 0; // witness items of the coinbase's first input

  for (let i = 0; i < nTx; i++) {
    r.place.tx = i;
    r.place.part = '';
    const start = r.pos;
    r.i32('version');
    const segwit = readSegwitMarker(r);
    const bodyStart = r.pos;

    const nIn = readInputCount(r);
    inputAt = atLeast(inputAt, nIn, (n) => new Int32Array(n));
    let nullPrevout = false;
    r.place.part = 'input';
    for (let k = 0; k < nIn; k++) {
      r.place.index = k;
      const at = r.skip(32, 'prev txid');
      const index = r.u32('prev index');
      r.skipVarBytes('scriptSig', 'scriptSig length');
      r.u32('sequence');
      inputAt[k] = at;
      if (isNullPrevoutAt(bytes, at, index)) nullPrevout = true;
    }

    r.place.part = '';
    const nOut = readOutputCount(r);
    r.place.part = 'output';
    let opReturn = false;
    let btc0: number | undefined;
    let btc1: number | undefined;
    for (let k = 0; k < nOut; k++) {
      r.place.index = k;
      const value = r.amount('value');
      const len = r.skipVarBytes('script', 'script length');
      const script = r.pos - len;
      if (len > 0 && bytes[script] === OP_RETURN) opReturn = true;
      if (k === 0) btc0 = inRangeBtc(value);
      else if (k === 1) btc1 = inRangeBtc(value);
      // BIP141: the commitment is the coinbase's LAST output carrying the tag.
      if (i === 0 && len >= 38 && COMMITMENT_TAG.every((b, j) => bytes[script + j] === b)) commitment = script + 6;
    }
    const bodyEnd = r.pos;

    let witnessTooLarge = false;
    if (segwit) {
      r.place.part = 'witness of input';
      let anyItem = false;
      for (let k = 0; k < nIn; k++) {
        r.place.index = k;
        const nItems = r.count('item count', 1);
        let total = 0;
        for (let j = 0; j < nItems; j++) {
          const len = r.skipVarBytes('item', 'item length');
          total += len;
          if (len > MAX_WITNESS_BYTES || total > MAX_WITNESS_BYTES) witnessTooLarge = true;
        }
        if (nItems > 0) anyItem = true;
        if (i === 0 && k === 0) {
          reservedItems = nItems;
          if (nItems === 1 && total === 32) reserved = r.pos - 32;
        }
      }
      r.place.part = '';
      if (!anyItem) superfluousWitness(r, start);
    }
    r.place.part = '';
    const lockAt = r.skip(4, 'locktime');
    const end = r.pos;

    // txid: sha256d of the serialization without marker, flag and witnesses.
    if (segwit) {
      anySegwit = true;
      const len = 4 + (bodyEnd - bodyStart) + 4;
      stripped = atLeast(stripped, len, (n) => new Uint8Array(n));
      stripped.set(bytes.subarray(start, start + 4), 0);
      stripped.set(bytes.subarray(bodyStart, bodyEnd), 4);
      stripped.set(bytes.subarray(lockAt, end), len - 4);
      sha256dNative(stripped, 0, len, txids, TXID_BYTES * i);
      if (i > 0) sha256dNative(bytes, start, end, wtxids, TXID_BYTES * i);
    } else {
      sha256dNative(bytes, start, end, txids, TXID_BYTES * i);
      wtxids.set(txids.subarray(TXID_BYTES * i, TXID_BYTES * i + TXID_BYTES), TXID_BYTES * i);
    }
    if (i === 0) {
      coinbaseOk = nIn === 1 && nullPrevout;
      continue;
    }

    // oracle.md §2, every rule but the same-day one (see summarizeBlock in oracle/outputs.ts).
    if (nIn > MAX_INPUTS || nOut !== REQUIRED_OUTPUTS || nullPrevout || opReturn || witnessTooLarge) continue;
    if (btc0 === undefined && btc1 === undefined) continue;
    const inputTxids = new Uint8Array(TXID_BYTES * nIn);
    for (let k = 0; k < nIn; k++) inputTxids.set(bytes.subarray(inputAt[k], inputAt[k]! + TXID_BYTES), TXID_BYTES * k);
    const amounts: number[] = [];
    if (btc0 !== undefined) amounts.push(btc0);
    if (btc1 !== undefined) amounts.push(btc1);
    candidates.push({ txIndex: i, inputTxids, amounts });
  }
  r.place.tx = -1;
  r.place.part = '';
  r.expectEnd(`the last of ${nTx} transactions`);

  if (!coinbaseOk) throw new DataError(`bad block ${header.hash}: tx 0 is not a coinbase`, HEADER_BYTES);
  verifyMerkleRoot(header, txids);
  if (anySegwit) {
    wtxids.fill(0, 0, TXID_BYTES); // the coinbase's wtxid counts as zero
    const at = (o: number) => (o < 0 ? undefined : bytes.subarray(o, o + 32));
    checkWitnessCommitment(header.hash, wtxids, at(commitment), at(reserved), reservedItems);
  }
  return { height, hash: header.hash, time: header.time, txids, candidates };
}
