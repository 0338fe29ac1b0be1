// A raw transaction from Bitcoin Core or an Electrum server, in the shape whale-watch reads (the
// Esplora/mempool transaction): read by our own parser (src/chain, every framing check, the txid
// worked out from the bytes and held to the one asked for), output scripts turned into addresses by
// @scure/btc-signer (a well-kept codec of every standard script, taproot and P2A included). The spent
// outputs are not in a raw transaction, so `prevout` is null and the fee unknown until they are found.
import { Address, NETWORK, OutScript, TEST_NETWORK } from '@scure/btc-signer';
import { parseTransaction } from '../chain/tx.js';
import type { BitcoinNetwork } from '../config/network.js';
import { SourceError } from '../errors.js';
import type { MempoolTx, MempoolTxOut, MempoolTxStatus } from './mempool/stream/types.js';

type ScureNetwork = typeof NETWORK;
const REGTEST: ScureNetwork = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
const NETWORKS: Record<BitcoinNetwork, ScureNetwork> = {
  main: NETWORK,
  test: TEST_NETWORK,
  testnet4: TEST_NETWORK,
  signet: TEST_NETWORK,
  regtest: REGTEST,
};

/** Esplora's scriptpubkey_type names (electrs `script_type`) for what OutScript decodes. */
const TYPES: Record<string, string> = {
  pkh: 'p2pkh',
  sh: 'p2sh',
  wpkh: 'v0_p2wpkh',
  wsh: 'v0_p2wsh',
  tr: 'v1_p2tr',
  pk: 'p2pk',
  ms: 'multisig',
  unknown: 'unknown',
};

/** An output as Esplora describes it: script hex, address when it has one, type. */
export function describeOutput(script: Uint8Array, value: number, network: BitcoinNetwork): MempoolTxOut {
  const out: MempoolTxOut = { scriptpubkey: Buffer.from(script).toString('hex'), value };
  if (script[0] === 0x6a) {
    out.scriptpubkey_type = 'op_return';
    return out;
  }
  try {
    const decoded = OutScript.decode(script);
    out.scriptpubkey_type = TYPES[decoded.type] ?? decoded.type;
    out.scriptpubkey_address = Address(NETWORKS[network]).encode(decoded);
  } catch {
    // No address form (bare multisig, a non-standard script): Esplora leaves the field out too.
  }
  return out;
}

/**
 * An output read from raw bytes, described (hex script, type, address) only when something asks: a
 * catch-up through Core reads ~700,000 outputs of a 300k mempool, and only the whales' are ever
 * labelled. Encoding every address up front was most of that catch-up's garbage.
 */
class RawOutput implements MempoolTxOut {
  private described: MempoolTxOut | undefined;

  constructor(
    private readonly script: Uint8Array,
    readonly value: number,
    private readonly network: BitcoinNetwork,
  ) {}

  private get d(): MempoolTxOut {
    return (this.described ??= describeOutput(this.script, this.value, this.network));
  }
  get scriptpubkey(): string {
    return this.d.scriptpubkey;
  }
  get scriptpubkey_type(): string | undefined {
    return this.d.scriptpubkey_type;
  }
  get scriptpubkey_address(): string | undefined {
    return this.d.scriptpubkey_address;
  }
  /** Whatever serializes it sees the described fields. */
  toJSON(): MempoolTxOut {
    return this.d;
  }
}

/**
 * `hex` (or bytes) as a MempoolTx; `txid` is the one asked for: an answer for another transaction
 * is the server's error, not ours to label. `service` names the server in that error.
 */
export function mempoolTxFromRaw(
  raw: string | Uint8Array,
  txid: string,
  o: { network: BitcoinNetwork; service: string; status?: MempoolTxStatus },
): MempoolTx {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'hex') : raw;
  const bad = (why: string) =>
    new SourceError(`${o.service}: transaction ${txid}: ${why}`, { service: o.service, retryable: false });
  let tx;
  try {
    tx = parseTransaction(bytes);
  } catch (err) {
    throw bad(`not a valid transaction (${(err as Error).message})`);
  }
  if (tx.txid !== txid) throw bad(`the bytes answered are transaction ${tx.txid}`);
  return {
    txid,
    version: tx.version,
    locktime: tx.locktime,
    vin: tx.inputs.map((i) => ({
      txid: i.prevTxid,
      vout: i.prevIndex,
      prevout: null,
      sequence: i.sequence,
      is_coinbase: tx.isCoinbase,
    })),
    vout: tx.outputs.map((out) => new RawOutput(out.script, out.value, o.network)),
    size: tx.size,
    weight: tx.weight,
    vsize: Math.ceil(tx.weight / 4),
    fee: 0,
    feeUnknown: true,
    feePerVsize: 0,
    effectiveFeePerVsize: 0,
    status: o.status ?? { confirmed: false },
  };
}

/**
 * The fee once every spent output is known (sum of inputs − sum of outputs), as mempool computes it;
 * `tx` unchanged while any is missing, or when the sum is negative (a wrong prevout: not ours to trust).
 */
export function withFeeFromPrevouts(tx: MempoolTx): MempoolTx {
  if (!tx.feeUnknown || tx.vin.some((v) => v.prevout === null && !v.is_coinbase)) return tx;
  const inputs = tx.vin.reduce((s, v) => s + (v.prevout?.value ?? 0), 0);
  const outputs = tx.vout.reduce((s, v) => s + v.value, 0);
  const fee = inputs - outputs;
  if (!(fee >= 0)) return tx;
  const rate = tx.weight > 0 ? fee / (tx.weight / 4) : 0;
  const { feeUnknown: _unknown, ...known } = tx;
  return { ...known, fee, feePerVsize: rate, effectiveFeePerVsize: rate };
}
