// Synthetic mempool transactions in the backend's shape (Esplora transaction + mempool fields, as in
// test/fixtures/mempool/backend_transactions-*.json): what `mempool-transactions.added` carries.
// Each is also real consensus bytes (raw.ts): its txid is the hash of its serialization and its
// inputs spend a funding transaction that exists too, so a fake node or Electrum server can serve
// both. Deterministic: the same seed and inputs give the same txids, so scenarios are reproducible.
import { createHash } from 'node:crypto';
import { registerRaw, scriptOfAddress, serialize } from './raw.js';

export interface FakeOutput {
  address: string;
  /** Satoshis. */
  value: number;
}

export interface MakeTxOptions {
  /** Defaults to a hash of `seed`. */
  txid?: string;
  /** Any string/number; distinct seeds give distinct txids. */
  seed?: string | number;
  outputs: FakeOutput[];
  /** Spent outputs; defaults to one input paying the outputs plus the fee. */
  inputs?: FakeOutput[];
  /** The outpoints the inputs spend (same length as `inputs`); default derived from the txid. */
  spends?: Outpoint[];
  /** sat/vB (default 5). */
  feeRate?: number;
  /** BIP125 signalling: input sequence 0xfffffffd instead of 0xffffffff (default true, as most wallets). */
  rbf?: boolean;
  /** Unix seconds; default now. */
  firstSeen?: number;
}

export interface Outpoint {
  txid: string;
  vout: number;
}

export interface FakeTxOut {
  scriptpubkey: string;
  scriptpubkey_asm: string;
  scriptpubkey_type: string;
  scriptpubkey_address: string;
  value: number;
}

/** The JSON object sent on the wire; kept loose because tests also send deliberately broken ones. */
export type FakeTx = Record<string, unknown> & {
  txid: string;
  fee: number;
  vsize: number;
  weight: number;
  feePerVsize: number;
  adjustedFeePerVsize: number;
  vin: FakeTxIn[];
  vout: FakeTxOut[];
};

export interface FakeTxIn {
  txid: string;
  vout: number;
  prevout: FakeTxOut | null;
  scriptsig: string;
  scriptsig_asm: string;
  witness: string[];
  is_coinbase: boolean;
  sequence: number;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export function fakeTxid(seed: string | number): string {
  return sha256(`fake-tx:${seed}`);
}

/** Esplora's scriptpubkey_type for a script (electrs `script_type`), for the scripts the fakes make. */
function scriptType(script: string): string {
  if (/^0014[0-9a-f]{40}$/.test(script)) return 'v0_p2wpkh';
  if (/^0020[0-9a-f]{64}$/.test(script)) return 'v0_p2wsh';
  if (/^5120[0-9a-f]{64}$/.test(script)) return 'v1_p2tr';
  if (/^76a914[0-9a-f]{40}88ac$/.test(script)) return 'p2pkh';
  if (/^a914[0-9a-f]{40}87$/.test(script)) return 'p2sh';
  return 'unknown';
}

/**
 * An output paying `o.address`: its real script when the address is a real one, else a P2WPKH script
 * derived from the text (stable, not decodable back to that text).
 */
function output(o: FakeOutput): FakeTxOut {
  const script = scriptOfAddress(o.address) ?? `0014${sha256(`spk:${o.address}`).slice(0, 40)}`;
  return {
    scriptpubkey: script,
    scriptpubkey_asm: `(${script.length / 2} bytes)`,
    scriptpubkey_type: scriptType(script),
    scriptpubkey_address: o.address,
    value: o.value,
  };
}

/**
 * The confirmed transaction an input set spends: one coinbase-like input (a push of bytes derived
 * from `seed`, so each is unique) and the spent outputs at their indexes.
 */
function fundingOf(seed: string, outs: FakeTxOut[]): string {
  const s = serialize({
    version: 2,
    locktime: 0,
    vin: [
      {
        txid: '0'.repeat(64),
        vout: 0xffffffff,
        scriptsig: `20${sha256(`fund:${seed}`)}`,
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    vout: outs.map((o) => ({ value: o.value, scriptpubkey: o.scriptpubkey })),
  });
  registerRaw(s);
  return s.txid;
}

let uid = 1;

export function makeTx(opts: MakeTxOptions): FakeTx {
  const seed = String(opts.seed ?? JSON.stringify(opts.outputs));
  const nIn = opts.inputs?.length ?? 1;
  const vout = opts.outputs.map(output);
  const sequence = opts.rbf === false ? 0xffffffff : 0xfffffffd;
  if (opts.spends && opts.spends.length !== nIn)
    throw new Error(`makeTx ${seed}: ${opts.spends.length} spends for ${nIn} inputs`);
  // P2WPKH-shaped inputs: an empty scriptSig, a 71-byte signature and a 33-byte key in the witness.
  const witness = ['30'.padEnd(142, '0'), '02'.padEnd(66, '0')];
  const fields = (spends: Outpoint[]) => ({
    version: 2,
    locktime: 0,
    vin: spends.map((sp) => ({ txid: sp.txid, vout: sp.vout, scriptsig: '', sequence, witness })),
    vout: vout.map((o) => ({ value: o.value, scriptpubkey: o.scriptpubkey })),
  });
  // The size does not depend on which coins are spent: measure it with placeholders first, so the
  // default input can pay outputs + fee before its funding transaction is built.
  const shape = serialize(fields(Array.from({ length: nIn }, (_, i) => ({ txid: '11'.repeat(32), vout: i }))));
  const vsize = Math.ceil(shape.weight / 4);
  const feeRate = opts.feeRate ?? 5;
  const fee = Math.round(feeRate * vsize);
  const outTotal = opts.outputs.reduce((s, o) => s + o.value, 0);
  const inputs = opts.inputs ?? [
    { address: `fake-funder-${sha256(`funder:${seed}`).slice(0, 8)}`, value: outTotal + fee },
  ];
  const prevouts = inputs.map(output);
  const spends =
    opts.spends ??
    (() => {
      const funding = fundingOf(seed, prevouts);
      return prevouts.map((_, i) => ({ txid: funding, vout: i }));
    })();
  const built = serialize(fields(spends));
  registerRaw(built);
  const txid = opts.txid ?? built.txid;
  const actualFee = opts.inputs ? inputs.reduce((s, i) => s + i.value, 0) - outTotal : fee;
  const weight = built.weight;
  // mempool's extendMempoolTransaction (transaction-utils.ts): the fee rate is over the fractional
  // vsize weight/4, and the adjusted vsize is max(weight/4, sigops * 5); `vsize` is ceil(weight/4).
  const feePerVsize = actualFee / (weight / 4);
  const adjustedVsize = Math.max(weight / 4, nIn * 5);
  return {
    txid,
    version: 2,
    locktime: 0,
    vin: prevouts.map((prevout, i) => ({
      txid: spends[i]!.txid,
      vout: spends[i]!.vout,
      prevout,
      scriptsig: '',
      scriptsig_asm: '',
      witness,
      is_coinbase: false,
      sequence,
    })),
    vout,
    size: built.bytes.length,
    weight,
    fee: actualFee,
    status: { confirmed: false },
    order: Number.parseInt(txid.slice(0, 8), 16),
    vsize: Math.ceil(weight / 4),
    adjustedVsize,
    sigops: nIn,
    feePerVsize,
    adjustedFeePerVsize: actualFee / adjustedVsize,
    effectiveFeePerVsize: actualFee / adjustedVsize,
    firstSeen: opts.firstSeen ?? Math.floor(Date.now() / 1000),
    uid: uid++,
    bestDescendant: null,
    cpfpChecked: true,
  };
}

/** The `i`-th ordinary small payment of a batch (the same for the same arguments). */
export function makeBatchTx(i: number, seedPrefix = 'batch', feeRate = 5): FakeTx {
  return makeTx({
    seed: `${seedPrefix}:${i}`,
    outputs: [
      { address: `bc1qfakepay${i}`, value: 10_000 + (i % 997) * 1_000 },
      { address: `bc1qfakechange${i}`, value: 50_000 + (i % 389) * 100 },
    ],
    feeRate: feeRate + (i % 17),
  });
}

/** `count` ordinary small payments, for filling the mempool or a throughput run. */
export function makeTxBatch(count: number, seedPrefix = 'batch', feeRate = 5): FakeTx[] {
  return Array.from({ length: count }, (_, i) => makeBatchTx(i, seedPrefix, feeRate));
}

/**
 * `tx` as mempool sends it under its default BACKEND 'none': every input's prevout null
 * (bitcoin-api.ts `$convertTransaction`, mempool.ts loads new transactions with addPrevouts=false).
 */
export function withoutPrevouts(tx: FakeTx): FakeTx {
  return { ...tx, vin: tx.vin.map((v) => ({ ...v, prevout: null })) };
}

/** The outpoints `tx` spends. */
export function outpointsOf(tx: FakeTx): Outpoint[] {
  return tx.vin.map((v) => ({ txid: v.txid, vout: v.vout }));
}

/** The outputs `tx` spends (its inputs' prevouts), as makeTx takes them. */
export function spentOutputsOf(tx: FakeTx): FakeOutput[] {
  return tx.vin.map((v, i) => {
    if (!v.prevout) throw new Error(`${tx.txid}: input ${i} has no prevout`);
    return { address: v.prevout.scriptpubkey_address, value: v.prevout.value };
  });
}

/**
 * A replacement of `original` that spends the same outpoints (what makes it a replacement for
 * mempool's findRbfTransactions and for Bitcoin Core). Default outputs: the original's, the
 * largest paying the higher fee (`feeRate`, sat/vB, default three times the original's).
 */
export function makeReplacement(
  original: FakeTx,
  o: { seed: string | number; outputs?: FakeOutput[]; feeRate?: number; rbf?: boolean },
): FakeTx {
  const inputs = spentOutputsOf(original);
  const inTotal = inputs.reduce((s, i) => s + i.value, 0);
  let outputs = o.outputs;
  if (!outputs) {
    const fee = Math.round((o.feeRate ?? 3 * original.feePerVsize) * original.vsize);
    const outs = original.vout.map((v) => ({ address: v.scriptpubkey_address, value: v.value }));
    const largest = outs.reduce((m, v, i) => (v.value > (outs[m]?.value ?? -1) ? i : m), 0);
    const others = outs.reduce((s, v, i) => (i === largest ? s : s + v.value), 0);
    outs[largest]!.value = inTotal - fee - others;
    outputs = outs;
  }
  return makeTx({ seed: o.seed, inputs, spends: outpointsOf(original), outputs, rbf: o.rbf });
}

/** A coinbase input (no prevout) carrying the block height (BIP34). */
export function coinbaseInput(height: number): FakeTxIn {
  return {
    txid: '0'.repeat(64),
    vout: 0xffffffff,
    prevout: null,
    scriptsig: `03${height.toString(16).padStart(6, '0')}`,
    scriptsig_asm: '',
    witness: ['0'.repeat(64)],
    is_coinbase: true,
    sequence: 0xffffffff,
  };
}

/** A block's coinbase (the first txid of every block's `mined`): one input without a prevout. */
export function makeCoinbase(height: number): FakeTx {
  const input = coinbaseInput(height);
  const out = output({ address: `bc1qfakeminer${height % 1000}`, value: 312_500_000 });
  const built = serialize({
    version: 2,
    locktime: 0,
    vin: [{ txid: input.txid, vout: input.vout, scriptsig: input.scriptsig, sequence: input.sequence, witness: [] }],
    vout: [{ value: out.value, scriptpubkey: out.scriptpubkey }],
  });
  registerRaw(built);
  return {
    txid: built.txid,
    version: 2,
    locktime: 0,
    vin: [{ ...input, witness: [] }],
    vout: [out],
    size: built.bytes.length,
    weight: built.weight,
    fee: 0,
    status: { confirmed: true },
    vsize: Math.ceil(built.weight / 4),
    feePerVsize: 0,
    adjustedFeePerVsize: 0,
  };
}
