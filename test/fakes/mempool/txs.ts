// Synthetic mempool transactions in the backend's shape (Esplora transaction + mempool fields, as in
// test/fixtures/mempool/backend_transactions-*.json): what `mempool-transactions.added` carries.
// Deterministic: the same seed and inputs give the same txids, so scenarios are reproducible.
import { createHash } from 'node:crypto';

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

/** A P2WPKH-looking output; the script is derived from the address so it is stable, not real. */
function output(o: FakeOutput): FakeTxOut {
  const program = sha256(`spk:${o.address}`).slice(0, 40);
  return {
    scriptpubkey: `0014${program}`,
    scriptpubkey_asm: `OP_0 OP_PUSHBYTES_20 ${program}`,
    scriptpubkey_type: 'v0_p2wpkh',
    scriptpubkey_address: o.address,
    value: o.value,
  };
}

let uid = 1;

export function makeTx(opts: MakeTxOptions): FakeTx {
  const seed = opts.seed ?? JSON.stringify(opts.outputs);
  const txid = opts.txid ?? fakeTxid(seed);
  const nIn = opts.inputs?.length ?? 1;
  const nOut = opts.outputs.length;
  // P2WPKH sizes: 41 non-witness bytes per input, 31 per output, 10 overhead; ~108 witness bytes
  // per input plus the 2-byte segwit marker. weight = 4*base + witness (BIP141).
  const base = 10 + 41 * nIn + 31 * nOut;
  const witness = 2 + 108 * nIn;
  const weight = 4 * base + witness;
  const vsize = Math.ceil(weight / 4);
  const feeRate = opts.feeRate ?? 5;
  const fee = Math.round(feeRate * vsize);
  const outTotal = opts.outputs.reduce((s, o) => s + o.value, 0);
  const inputs = opts.inputs ?? [{ address: `fake-funder-${txid.slice(0, 8)}`, value: outTotal + fee }];
  const actualFee = opts.inputs ? inputs.reduce((s, i) => s + i.value, 0) - outTotal : fee;
  const sequence = opts.rbf === false ? 0xffffffff : 0xfffffffd;
  if (opts.spends && opts.spends.length !== inputs.length)
    throw new Error(`makeTx ${String(seed)}: ${opts.spends.length} spends for ${inputs.length} inputs`);
  // mempool's extendMempoolTransaction (transaction-utils.ts): the fee rate is over the fractional
  // vsize weight/4, and the adjusted vsize is max(weight/4, sigops * 5); `vsize` is ceil(weight/4).
  const feePerVsize = actualFee / (weight / 4);
  const adjustedVsize = Math.max(weight / 4, nIn * 5);
  return {
    txid,
    version: 2,
    locktime: 0,
    vin: inputs.map((inp, i) => ({
      txid: opts.spends?.[i]?.txid ?? sha256(`prev:${txid}:${i}`),
      vout: opts.spends?.[i]?.vout ?? i,
      prevout: output(inp),
      scriptsig: '',
      scriptsig_asm: '',
      witness: ['30'.padEnd(142, '0'), '02'.padEnd(66, '0')],
      is_coinbase: false,
      sequence,
    })),
    vout: opts.outputs.map(output),
    size: base + witness,
    weight,
    fee: actualFee,
    status: { confirmed: false },
    order: Number.parseInt(txid.slice(0, 8), 16),
    vsize,
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
  const txid = fakeTxid(`coinbase:${height}`);
  const out = output({ address: `bc1qfakeminer${height % 1000}`, value: 312_500_000 });
  return {
    txid,
    version: 2,
    locktime: 0,
    vin: [coinbaseInput(height)],
    vout: [out],
    size: 200,
    weight: 800,
    fee: 0,
    status: { confirmed: true },
    vsize: 200,
    feePerVsize: 0,
    adjustedFeePerVsize: 0,
  };
}
