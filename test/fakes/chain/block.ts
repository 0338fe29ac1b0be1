// Block assembly: coinbase first, 80-byte header linking to the previous block, merkle root over
// the txids. No proof of work: the bits are realistic but nothing checks the nonce.
import type { Prng } from './prng.js';
import { bip34ScriptSig, opReturnScript, outputScript } from './scripts.js';
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

export function coinbaseTx(height: number, prng: Prng, fees: number): TxSpec {
  const commitment = opReturnScript(prng, 36);
  commitment.set([0xaa, 0x21, 0xa9, 0xed], 2); // BIP141 witness commitment header
  return {
    version: 2,
    segwit: true,
    inputs: [
      {
        prevTxidLE: new Uint8Array(32),
        prevIndex: 0xffffffff,
        scriptSig: bip34ScriptSig(height, prng),
        sequence: 0xffffffff,
        witness: [new Uint8Array(32)], // witness reserved value
      },
    ],
    outputs: [
      { value: SUBSIDY_SATS + fees, script: outputScript(prng.chance(0.5) ? 'p2wpkh' : 'p2pkh', prng) },
      { value: 0, script: commitment },
    ],
    locktime: 0,
  };
}

export function buildBlock(height: number, prevHash: string, time: number, txs: TxSpec[], nonce: number): BuiltBlock {
  const w = new ByteWriter(txs.length * 600 + 1024);
  w.bytes(new Uint8Array(80)); // header patched below, once the merkle root is known
  w.varint(txs.length);
  const txids: Uint8Array[] = [];
  let strippedSize = w.length;
  for (const tx of txs) {
    const written = writeTx(w, tx);
    txids.push(written.txidLE);
    strippedSize += written.baseSize;
  }
  const bytes = w.finish();

  const header = new ByteWriter(80);
  header.u32(BLOCK_VERSION).bytes(fromDisplayHex(prevHash)).bytes(merkleRootLE(txids)).u32(time).u32(BITS).u32(nonce);
  bytes.set(header.finish(), 0);

  const txidsLE = new Uint8Array(txids.length * 32);
  txids.forEach((t, i) => txidsLE.set(t, i * 32));
  return {
    height,
    hash: toDisplayHex(sha256d(bytes.subarray(0, 80))),
    prevHash,
    time,
    bytes,
    txCount: txs.length,
    txidsLE,
    strippedSize,
  };
}
