import type { Block, Transaction, TxInput } from '../../src/chain/types.js';

/** A txid whose 32 bytes are all `n` (n in 1..255): easy to read in a test table. */
export const id = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const hex = (b: Uint8Array): string => Buffer.from(b).reverse().toString('hex');

export interface FakeTxSpec {
  txid: number;
  /** prev txid fill byte per input (0 with index 0xffffffff makes a null prevout). */
  spends?: number[];
  prevIndex?: number;
  /** sats per output */
  values?: number[];
  scripts?: Uint8Array[];
  /** witness item lengths per input */
  witness?: number[][];
}

export function fakeTx(s: FakeTxSpec): Transaction {
  const values = s.values ?? [150_000, 2_000_000];
  const inputs: TxInput[] = (s.spends ?? [200]).map((p, k) => {
    const prev = p === 0 ? new Uint8Array(32) : id(p);
    return {
      prevTxidLE: prev,
      get prevTxid() {
        return hex(prev);
      },
      prevIndex: s.prevIndex ?? 0,
      scriptSig: new Uint8Array(0),
      sequence: 0xffffffff,
      witness: (s.witness?.[k] ?? []).map((len) => new Uint8Array(len)),
    };
  });
  const txidLE = id(s.txid);
  const hasNull = inputs.some((i) => i.prevIndex === 0xffffffff && i.prevTxidLE.every((b) => b === 0));
  return {
    txidLE,
    get txid() {
      return hex(txidLE);
    },
    version: 2,
    segwit: inputs.some((i) => i.witness.length > 0),
    inputs,
    outputs: values.map((value, k) => ({ value, script: s.scripts?.[k] ?? Uint8Array.of(0x00, 0x14) })),
    locktime: 0,
    size: 200,
    baseSize: 200,
    weight: 800,
    isCoinbase: hasNull && inputs.length === 1,
    hasNullPrevout: hasNull,
  };
}

export function fakeBlock(time: number, txs: Transaction[], hashByte = 0xab): Block {
  return {
    header: {
      version: 1,
      prevHash: '00'.repeat(32),
      merkleRoot: '00'.repeat(32),
      time,
      bits: 0,
      nonce: 0,
      hash: hashByte.toString(16).padStart(2, '0').repeat(32),
    },
    txs,
    size: 1000,
  };
}
