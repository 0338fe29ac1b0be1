// One mempool transaction object (Esplora format plus mempool's fee fields), checked field by field.
import type { MempoolTx, MempoolTxIn, MempoolTxOut, MempoolTxStatus } from './types.js';
import { arr, bool, finite, hash64, nonNegative, obj, optional, str, uint } from './shape.js';

function parseOut(value: unknown, path: string): MempoolTxOut {
  const o = obj(value, path);
  const out: MempoolTxOut = {
    scriptpubkey: str(o.scriptpubkey, `${path}.scriptpubkey`),
    value: uint(o.value, `${path}.value`),
  };
  const address = optional(o.scriptpubkey_address, `${path}.scriptpubkey_address`, str);
  if (address !== undefined) out.scriptpubkey_address = address;
  const type = optional(o.scriptpubkey_type, `${path}.scriptpubkey_type`, str);
  if (type !== undefined) out.scriptpubkey_type = type;
  return out;
}

function parseIn(value: unknown, path: string): MempoolTxIn {
  const o = obj(value, path);
  return {
    txid: hash64(o.txid, `${path}.txid`),
    vout: uint(o.vout, `${path}.vout`),
    prevout: o.prevout === null || o.prevout === undefined ? null : parseOut(o.prevout, `${path}.prevout`),
    sequence: uint(o.sequence, `${path}.sequence`),
    is_coinbase: o.is_coinbase === undefined ? false : bool(o.is_coinbase, `${path}.is_coinbase`),
  };
}

function parseStatus(value: unknown, path: string): MempoolTxStatus {
  // Mempool omits status on some stripped forms; an absent status means "in the mempool".
  if (value === undefined) return { confirmed: false };
  const o = obj(value, path);
  const status: MempoolTxStatus = { confirmed: bool(o.confirmed, `${path}.confirmed`) };
  const height = optional(o.block_height, `${path}.block_height`, uint);
  if (height !== undefined) status.block_height = height;
  const hash = optional(o.block_hash, `${path}.block_hash`, hash64);
  if (hash !== undefined) status.block_hash = hash;
  const time = optional(o.block_time, `${path}.block_time`, uint);
  if (time !== undefined) status.block_time = time;
  return status;
}

export function parseMempoolTx(value: unknown, path: string): MempoolTx {
  const o = obj(value, path);
  const weight = uint(o.weight, `${path}.weight`);
  const fee = uint(o.fee, `${path}.fee`);
  // vsize is weight/4 rounded up (BIP141); the backend sends it, but older forms may not.
  const vsize = o.vsize === undefined ? Math.ceil(weight / 4) : nonNegative(o.vsize, `${path}.vsize`);
  const feePerVsize =
    o.feePerVsize === undefined ? (vsize > 0 ? fee / vsize : 0) : nonNegative(o.feePerVsize, `${path}.feePerVsize`);
  const tx: MempoolTx = {
    txid: hash64(o.txid, `${path}.txid`),
    version: finite(o.version, `${path}.version`),
    locktime: uint(o.locktime, `${path}.locktime`),
    vin: arr(o.vin, `${path}.vin`).map((v, i) => parseIn(v, `${path}.vin[${i}]`)),
    vout: arr(o.vout, `${path}.vout`).map((v, i) => parseOut(v, `${path}.vout[${i}]`)),
    size: uint(o.size, `${path}.size`),
    weight,
    vsize,
    fee,
    feePerVsize,
    effectiveFeePerVsize:
      o.effectiveFeePerVsize === undefined
        ? feePerVsize
        : nonNegative(o.effectiveFeePerVsize, `${path}.effectiveFeePerVsize`),
    status: parseStatus(o.status, `${path}.status`),
  };
  const firstSeen = optional(o.firstSeen, `${path}.firstSeen`, uint);
  if (firstSeen !== undefined) tx.firstSeen = firstSeen;
  return tx;
}
