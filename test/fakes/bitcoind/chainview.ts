// What the node knows about its chain, in Core's JSON shapes: header fields, difficulty, chainwork,
// median time past. Computed from the synthetic block bytes, as Core computes them from its index.
import type { SyntheticBlock, SyntheticChain } from '../chain/index.js';

export interface HeaderFields {
  version: number;
  prevHash: string;
  merkleRoot: string;
  time: number;
  bits: number;
  nonce: number;
}

const hexLE = (b: Uint8Array): string => Buffer.from(b).reverse().toString('hex');

export function headerFields(bytes: Uint8Array): HeaderFields {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 80);
  return {
    version: v.getInt32(0, true),
    prevHash: hexLE(bytes.subarray(4, 36)),
    merkleRoot: hexLE(bytes.subarray(36, 68)),
    time: v.getUint32(68, true),
    bits: v.getUint32(72, true),
    nonce: v.getUint32(76, true),
  };
}

/** Difficulty relative to the minimum target 0x1d00ffff, as GetDifficulty computes it. */
export function difficulty(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256;
    shift++;
  }
  while (shift > 29) {
    diff /= 256;
    shift--;
  }
  return diff;
}

/** Work of one block: 2^256 / (target + 1). */
function blockWork(bits: number): bigint {
  const exp = BigInt((bits >>> 24) & 0xff);
  const target = BigInt(bits & 0x007fffff) << (8n * (exp - 3n));
  return (1n << 256n) / (target + 1n);
}

/** Chainwork before the synthetic chain's first block: roughly mainnet's at height 880000. */
const BASE_CHAINWORK = 0xa4d3a5b2d9b2a2f8c6f4c0e0n << 32n;

export class ChainView {
  /**
   * Blocks below this height are pruned (bitcoind -prune): their headers stay, their bodies are
   * gone (Core's IsBlockPruned). Undefined: an unpruned node.
   */
  pruneHeight: number | undefined;

  constructor(readonly chain: SyntheticChain) {}

  isPruned(b: SyntheticBlock): boolean {
    return this.pruneHeight !== undefined && b.height < this.pruneHeight;
  }

  get tip(): SyntheticBlock {
    return this.chain.tip;
  }

  confirmations(b: SyntheticBlock): number {
    return this.chain.byHash(b.hash) ? this.tip.height - b.height + 1 : -1;
  }

  medianTime(b: SyntheticBlock): number {
    const times: number[] = [];
    for (let h = b.height; h > b.height - 11; h--) {
      const x = this.chain.byHeight(h);
      if (x) times.push(x.time);
    }
    times.sort((a, c) => a - c);
    return times[Math.floor(times.length / 2)]!;
  }

  chainwork(b: SyntheticBlock): string {
    let work = BASE_CHAINWORK;
    for (let h = this.chain.firstHeight; h <= b.height; h++)
      work += blockWork(headerFields(this.chain.byHeight(h)!.bytes).bits);
    return work.toString(16).padStart(64, '0');
  }

  /** getblockheader's verbose object (field names and order as Core prints them). */
  headerJson(b: SyntheticBlock): Record<string, unknown> {
    const h = headerFields(b.bytes);
    const next = this.chain.byHeight(b.height + 1);
    const json: Record<string, unknown> = {
      hash: b.hash,
      confirmations: this.confirmations(b),
      height: b.height,
      version: h.version,
      versionHex: (h.version >>> 0).toString(16).padStart(8, '0'),
      merkleroot: h.merkleRoot,
      time: h.time,
      mediantime: this.medianTime(b),
      nonce: h.nonce,
      bits: h.bits.toString(16).padStart(8, '0'),
      difficulty: difficulty(h.bits),
      chainwork: this.chainwork(b),
      nTx: b.txCount,
    };
    json.previousblockhash = h.prevHash; // Core omits it only for genesis, which a synthetic chain never has
    if (next) json.nextblockhash = next.hash;
    return json;
  }

  /** getblock verbosity 1: the header fields plus sizes and the txids. */
  blockJson(b: SyntheticBlock): Record<string, unknown> {
    const { nTx: _nTx, ...header } = this.headerJson(b);
    const txids: string[] = [];
    for (let i = 0; i < b.txCount; i++) txids.push(hexLE(b.txidsLE.subarray(i * 32, i * 32 + 32)));
    const { confirmations, hash, height, version, versionHex, merkleroot, ...rest } = header;
    return {
      hash,
      confirmations,
      height,
      version,
      versionHex,
      merkleroot,
      size: b.bytes.length,
      strippedsize: b.strippedSize,
      weight: b.strippedSize * 3 + b.bytes.length,
      tx: txids,
      ...rest,
      nTx: b.txCount,
    };
  }

  blockchainInfo(ibd: boolean): Record<string, unknown> {
    const tip = this.tip;
    const h = headerFields(tip.bytes);
    return {
      chain: 'main',
      blocks: tip.height,
      headers: tip.height,
      bestblockhash: tip.hash,
      bits: h.bits.toString(16).padStart(8, '0'),
      difficulty: difficulty(h.bits),
      time: tip.time,
      mediantime: this.medianTime(tip),
      verificationprogress: ibd ? 0.5 : 0.9999987,
      initialblockdownload: ibd,
      chainwork: this.chainwork(tip),
      size_on_disk: 700_000_000_000,
      pruned: this.pruneHeight !== undefined,
      // Core: the lowest height with a block body, only when pruned.
      ...(this.pruneHeight !== undefined ? { pruneheight: this.pruneHeight } : {}),
      warnings: [],
    };
  }
}
