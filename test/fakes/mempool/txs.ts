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
  /** sat/vB (default 5). */
  feeRate?: number;
  /** BIP125 signalling: input sequence 0xfffffffd instead of 0xffffffff (default true, as most wallets). */
  rbf?: boolean;
  /** Unix seconds; default now. */
  firstSeen?: number;
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
  vout: FakeTxOut[];
};

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
  const feePerVsize = actualFee / vsize;
  return {
    txid,
    version: 2,
    locktime: 0,
    vin: inputs.map((inp, i) => ({
      txid: sha256(`prev:${txid}:${i}`),
      vout: i,
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
    adjustedVsize: vsize,
    sigops: nIn,
    feePerVsize,
    adjustedFeePerVsize: feePerVsize,
    effectiveFeePerVsize: feePerVsize,
    firstSeen: opts.firstSeen ?? Math.floor(Date.now() / 1000),
    uid: uid++,
    bestDescendant: null,
    cpfpChecked: true,
  };
}

/** `count` ordinary small payments, for filling the mempool or a throughput run. */
export function makeTxBatch(count: number, seedPrefix = 'batch', feeRate = 5): FakeTx[] {
  const txs: FakeTx[] = [];
  for (let i = 0; i < count; i++) {
    txs.push(
      makeTx({
        seed: `${seedPrefix}:${i}`,
        outputs: [
          { address: `bc1qfakepay${i}`, value: 10_000 + (i % 997) * 1_000 },
          { address: `bc1qfakechange${i}`, value: 50_000 + (i % 389) * 100 },
        ],
        feeRate: feeRate + (i % 17),
      }),
    );
  }
  return txs;
}
