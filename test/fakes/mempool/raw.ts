// The fake transactions in consensus bytes, so a fake Bitcoin Core (`getrawtransaction`) and a fake
// Electrum server (`blockchain.transaction.get`) can serve them and the client's own parser reads
// them: txids are the real double SHA-256 of the serialization (BIP141: without the witness), and
// output scripts are the real scripts of the addresses given (through @scure/btc-signer, as the
// suite reads them back). An address that is not a real one (`bc1qfakepay1`) gets a P2WPKH script
// derived from its text, as before: stable, and never mistaken for an exchange's.
import { createHash } from 'node:crypto';
import { Address, NETWORK, OutScript, TEST_NETWORK } from '@scure/btc-signer';

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** The txid (display order) of consensus bytes without the witness. */
export function txidOf(stripped: Uint8Array): string {
  return Buffer.from(sha256(sha256(stripped)))
    .reverse()
    .toString('hex');
}

class Writer {
  private readonly parts: Buffer[] = [];
  bytes(b: Uint8Array | Buffer): void {
    this.parts.push(Buffer.from(b));
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    this.parts.push(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.parts.push(b);
  }
  varint(n: number): void {
    if (n < 0xfd) this.parts.push(Buffer.from([n]));
    else if (n <= 0xffff) {
      const b = Buffer.alloc(3);
      b[0] = 0xfd;
      b.writeUInt16LE(n, 1);
      this.parts.push(b);
    } else {
      const b = Buffer.alloc(5);
      b[0] = 0xfe;
      b.writeUInt32LE(n, 1);
      this.parts.push(b);
    }
  }
  varBytes(hex: string): void {
    const b = Buffer.from(hex, 'hex');
    this.varint(b.length);
    this.parts.push(b);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface RawInput {
  txid: string;
  vout: number;
  scriptsig: string;
  sequence: number;
  witness: string[];
}

export interface RawOutput {
  value: number;
  scriptpubkey: string;
}

export interface RawTxFields {
  version: number;
  locktime: number;
  vin: RawInput[];
  vout: RawOutput[];
}

export interface Serialized {
  txid: string;
  /** With the witness when any input has one (what getrawtransaction returns). */
  bytes: Buffer;
  /** Bytes without the witness. */
  baseSize: number;
  weight: number;
}

/** Consensus serialization (BIP144 when an input carries a witness). */
export function serialize(tx: RawTxFields): Serialized {
  const body = new Writer();
  body.varint(tx.vin.length);
  for (const v of tx.vin) {
    body.bytes(Buffer.from(v.txid, 'hex').reverse());
    body.u32(v.vout);
    body.varBytes(v.scriptsig);
    body.u32(v.sequence);
  }
  body.varint(tx.vout.length);
  for (const o of tx.vout) {
    body.u64(o.value);
    body.varBytes(o.scriptpubkey);
  }
  const middle = body.done();
  const head = Buffer.alloc(4);
  head.writeInt32LE(tx.version);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(tx.locktime >>> 0);
  const stripped = Buffer.concat([head, middle, tail]);
  const segwit = tx.vin.some((v) => v.witness.length > 0);
  let bytes = stripped;
  if (segwit) {
    const w = new Writer();
    for (const v of tx.vin) {
      w.varint(v.witness.length);
      for (const item of v.witness) w.varBytes(item);
    }
    bytes = Buffer.concat([head, Buffer.from([0, 1]), middle, w.done(), tail]);
  }
  return { txid: txidOf(stripped), bytes, baseSize: stripped.length, weight: stripped.length * 3 + bytes.length };
}

const REAL_ADDRESS = /^((bc|tb|bcrt)1[02-9ac-hj-np-z]{8,87}|[13mn2][1-9A-HJ-NP-Za-km-z]{25,34})$/;

/** The output script of `address` (hex), or undefined when it is not a real address. */
export function scriptOfAddress(address: string): string | undefined {
  if (!REAL_ADDRESS.test(address)) return undefined;
  for (const net of [NETWORK, TEST_NETWORK]) {
    try {
      return Buffer.from(OutScript.encode(Address(net).decode(address))).toString('hex');
    } catch {
      // not this network's (or not an address at all)
    }
  }
  return undefined;
}

/** Every transaction the fakes built, by txid: what a node or an Electrum server can serve. */
const registry = new Map<string, Buffer>();
let keeping = true;

/**
 * Whether built transactions are kept for rawTxOf (default yes). A bench that builds millions of
 * transactions no Core or Electrum fake will serve turns it off: two Buffers per transaction held for
 * ever made the fake's own garbage collection the figure being measured.
 */
export function keepRawTxs(on: boolean): void {
  keeping = on;
  if (!on) registry.clear();
}

export function registerRaw(s: Serialized): void {
  if (keeping) registry.set(s.txid, s.bytes);
}

/** The consensus bytes of a fake transaction (a mempool one, a funding one, a coinbase), if built. */
export function rawTxOf(txid: string): Buffer | undefined {
  return registry.get(txid);
}
