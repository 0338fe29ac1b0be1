// Block assembly: coinbase first, 80-byte header linking to the previous block, merkle root over
// the txids. No proof of work: the bits are realistic but nothing checks the nonce.
import type { Prng } from './prng.js';
import { bip34ScriptSig, outputScript } from './scripts.js';
import { sha256d, writeTx, type TxSpec } from './tx.js';
import { ByteWriter } from './writer.js';

export interface BuiltBlock {
  height: number;
  /** Display hex (byte-reversed sha256d of the header), as getblockhash prints it. */
  hash: string;
  prevHash: string;
  time: number;
  bytes: Uint8Array;
  txCount: number;
  /** txids of all transactions, 32 bytes each, internal order, concatenated. */
  txidsLE: Uint8Array;
  /** Bytes without witness data (BIP141 stripped size). */
  strippedSize: number;
}

/** A 2024-ish difficulty target; only reported, never checked. */
export const BITS = 0x17030ecd;
export const BLOCK_VERSION = 0x20000000;
const SUBSIDY_SATS = 312_500_000;

export const toDisplayHex = (le: Uint8Array): string => Buffer.from(le).reverse().toString('hex');
export const fromDisplayHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex').reverse());

/** Merkle root of txids (internal order): pairs hashed with sha256d, an odd last one paired with itself. */
export function merkleRootLE(txids: Uint8Array[]): Uint8Array {
  if (txids.length === 0) throw new Error('a block has at least the coinbase');
  let level: Uint8Array[] = txids;
  const pair = new Uint8Array(64);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      pair.set(level[i]!, 0);
      pair.set(level[i + 1] ?? level[i]!, 32);
      next.push(sha256d(pair));
    }
    level = next;
  }
  return level[0]!;
}

/** BIP141 commitment: sha256d(witness merkle root || reserved value), the coinbase's wtxid taken as zero. */
function witnessCommitment(wtxids: Uint8Array[], reserved: Uint8Array): Uint8Array {
  const root = merkleRootLE([new Uint8Array(32), ...wtxids]);
  const both = new Uint8Array(64);
  both.set(root, 0);
  both.set(reserved, 32);
  return sha256d(both);
}

export function coinbaseTx(height: number, prng: Prng, fees: number, commitment: Uint8Array): TxSpec {
  const script = new Uint8Array(38);
  script.set([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed], 0); // OP_RETURN push(36): BIP141 header + commitment
  script.set(commitment, 6);
  return {
    version: 2,
    segwit: true,
    inputs: [
      {
        prevTxidLE: new Uint8Array(32),
        prevIndex: 0xffffffff,
        scriptSig: bip34ScriptSig(height, prng),
        sequence: 0xffffffff,
        witness: [RESERVED], // witness reserved value
      },
    ],
    outputs: [
      { value: SUBSIDY_SATS + fees, script: outputScript(prng.chance(0.5) ? 'p2wpkh' : 'p2pkh', prng) },
      { value: 0, script },
    ],
    locktime: 0,
  };
}

const RESERVED = new Uint8Array(32);

export function buildBlock(
  height: number,
  prevHash: string,
  time: number,
  txs: TxSpec[],
  fees: number,
  prng: Prng,
): BuiltBlock {
  // The coinbase commits to the other transactions' wtxids, so they are serialized first.
  const body = new ByteWriter(txs.length * 520 + 1024);
  const txids: Uint8Array[] = [];
  const wtxids: Uint8Array[] = [];
  let strippedSize = 0;
  for (const tx of txs) {
    const written = writeTx(body, tx);
    txids.push(written.txidLE);
    wtxids.push(written.wtxidLE);
    strippedSize += written.baseSize;
  }
  const head = new ByteWriter(1024);
  head.bytes(new Uint8Array(80)); // header patched below, once the merkle root is known
  head.varint(txs.length + 1);
  const cb = writeTx(head, coinbaseTx(height, prng, fees, witnessCommitment(wtxids, RESERVED)));
  txids.unshift(cb.txidLE);
  strippedSize += head.length - cb.size + cb.baseSize;

  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head.view_(0), 0);
  bytes.set(body.view_(0), head.length);
  const header = new ByteWriter(80);
  header
    .u32(BLOCK_VERSION)
    .bytes(fromDisplayHex(prevHash))
    .bytes(merkleRootLE(txids))
    .u32(time)
    .u32(BITS)
    .u32(prng.int(0, 0xffffffff));
  bytes.set(header.finish(), 0);

  const txidsLE = new Uint8Array(txids.length * 32);
  txids.forEach((t, i) => txidsLE.set(t, i * 32));
  return {
    height,
    hash: toDisplayHex(sha256d(bytes.subarray(0, 80))),
    prevHash,
    time,
    bytes,
    txCount: txids.length,
    txidsLE,
    strippedSize,
  };
}
