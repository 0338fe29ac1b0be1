// The RPC methods the suite uses, with Core's parameter checks, error codes and messages
// (src/rpc/protocol.h: -8 RPC_INVALID_PARAMETER, -5 RPC_INVALID_ADDRESS_OR_KEY, -3 RPC_TYPE_ERROR,
// -28 RPC_IN_WARMUP, -32601 RPC_METHOD_NOT_FOUND).
import type { SyntheticBlock } from '../chain/index.js';
import type { CoreMempoolView } from '../mempool/coreView.js';
import type { ChainView } from './chainview.js';

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_PARSE_ERROR = -32700;
export const RPC_IN_WARMUP = -28;
const RPC_INVALID_PARAMETER = -8;
const RPC_INVALID_ADDRESS_OR_KEY = -5;
const RPC_TYPE_ERROR = -3;
const RPC_MISC_ERROR = -1;

/** Positional names, so named parameters (an object) work as in Core. */
const PARAM_NAMES: Record<string, string[]> = {
  getblockhash: ['height'],
  getblockheader: ['blockhash', 'verbose'],
  getblock: ['blockhash', 'verbosity'],
  getrawmempool: ['verbose', 'mempool_sequence'],
  getrawtransaction: ['txid', 'verbosity', 'blockhash'],
  gettxout: ['txid', 'n', 'include_mempool'],
  getmempoolentry: ['txid'],
};

export interface MethodContext {
  view: ChainView;
  startedAt: number;
  ibd: boolean;
  /** Bytes to serve for a block (faults may substitute another block's). */
  blockBytes(b: SyntheticBlock): Uint8Array;
  /** The mempool and the transactions around it (whale-watch's methods); absent: an empty mempool. */
  mempool?: CoreMempoolView;
}

type Handler = (ctx: MethodContext, params: unknown[]) => unknown;

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'string'
    ? 'string'
    : typeof v === 'number'
      ? 'number'
      : typeof v === 'boolean'
        ? 'bool'
        : 'object';
}

function expect(v: unknown, type: 'number' | 'string' | 'bool'): void {
  if (jsonType(v) !== type)
    throw new RpcError(RPC_TYPE_ERROR, `JSON value of type ${jsonType(v)} is not of expected type ${type}`);
}

function blockByHash(ctx: MethodContext, hash: unknown, name = 'blockhash'): SyntheticBlock {
  expect(hash, 'string');
  const s = hash as string;
  if (s.length !== 64)
    throw new RpcError(RPC_INVALID_PARAMETER, `${name} must be of length 64 (not ${s.length}, for '${s}')`);
  if (!/^[0-9a-fA-F]+$/.test(s))
    throw new RpcError(RPC_INVALID_PARAMETER, `${name} must be hexadecimal string (not '${s}')`);
  const b = ctx.view.chain.byHash(s);
  if (!b) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Block not found');
  return b;
}

/** Core accepts 0/1/2 or true/false for getblock's verbosity. */
function verbosity(v: unknown, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v ? 1 : 0;
  expect(v, 'number');
  return v as number;
}

function txidParam(v: unknown, name = 'txid'): string {
  expect(v, 'string');
  const t = v as string;
  if (t.length !== 64)
    throw new RpcError(RPC_INVALID_PARAMETER, `${name} must be of length 64 (not ${t.length}, for '${t}')`);
  if (!/^[0-9a-fA-F]+$/.test(t))
    throw new RpcError(RPC_INVALID_PARAMETER, `${name} must be hexadecimal string (not '${t}')`);
  return t.toLowerCase();
}

/** Core's scriptPubKey object for an output (the type names of its Solver). */
function scriptPubKey(out: { scriptpubkey: string; scriptpubkey_address?: string; scriptpubkey_type?: string }) {
  const types: Record<string, string> = {
    v0_p2wpkh: 'witness_v0_keyhash',
    v0_p2wsh: 'witness_v0_scripthash',
    v1_p2tr: 'witness_v1_taproot',
    p2pkh: 'pubkeyhash',
    p2sh: 'scripthash',
  };
  const type = types[out.scriptpubkey_type ?? ''] ?? 'nonstandard';
  const known = type !== 'nonstandard' && out.scriptpubkey_address && !out.scriptpubkey_address.startsWith('fake-');
  return {
    asm: '',
    desc: `raw(${out.scriptpubkey})`,
    hex: out.scriptpubkey,
    ...(known && /^(bc1|tb1|bcrt1|[13mn2])/.test(out.scriptpubkey_address!)
      ? { address: out.scriptpubkey_address }
      : {}),
    type,
  };
}

const NO_TX_WITHOUT_INDEX =
  'No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries. Use gettransaction for wallet transactions.';
const NO_TX_ANYWHERE = 'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.';

const handlers: Record<string, Handler> = {
  getrawmempool: (ctx, [verbose]) => {
    if (verbose !== undefined && verbose !== null) expect(verbose, 'bool');
    if (verbose === true) throw new RpcError(RPC_MISC_ERROR, 'verbose getrawmempool is not served by the fake node');
    return ctx.mempool?.rawMempool() ?? [];
  },
  getrawtransaction: (ctx, [txid, verb]) => {
    const id = txidParam(txid, 'parameter 1');
    const v = verbosity(verb, 0);
    const found = ctx.mempool?.tx(id);
    // rpc/rawtransaction.cpp: without a txindex only the mempool is searched.
    if (!found)
      throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, ctx.mempool?.txindex ? NO_TX_ANYWHERE : NO_TX_WITHOUT_INDEX);
    if (v <= 0) return found.hex;
    const json: Record<string, unknown> = { txid: id, hex: found.hex };
    if (found.block) {
      Object.assign(json, {
        blockhash: found.block.hash,
        confirmations: ctx.mempool!.tipHeight() - found.block.height + 1,
        time: found.block.time,
        blocktime: found.block.time,
      });
    }
    return json;
  },
  gettxout: (ctx, [txid, n, includeMempool]) => {
    const id = txidParam(txid);
    expect(n, 'number');
    if (includeMempool !== undefined && includeMempool !== null) expect(includeMempool, 'bool');
    const u = ctx.mempool?.utxo(id, n as number, includeMempool !== false);
    if (!u) return null;
    const tip = ctx.mempool!.tipHeight();
    return {
      bestblock: ctx.mempool!.tipHash(),
      confirmations: u.height === 0 || u.height === null ? 0 : tip - u.height + 1,
      value: u.out.value / 1e8,
      scriptPubKey: scriptPubKey(u.out),
      coinbase: false,
    };
  },
  getmempoolentry: (ctx, [txid]) => {
    const id = txidParam(txid, 'parameter 1');
    const tx = ctx.mempool?.mempoolEntry(id);
    if (!tx) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
    const fee = tx.fee / 1e8;
    return {
      vsize: tx.vsize,
      weight: tx.weight,
      time: typeof tx.firstSeen === 'number' ? tx.firstSeen : Math.floor(Date.now() / 1000),
      height: ctx.mempool!.tipHeight(),
      descendantcount: 1,
      descendantsize: tx.vsize,
      ancestorcount: 1,
      ancestorsize: tx.vsize,
      wtxid: id,
      fees: { base: fee, modified: fee, ancestor: fee, descendant: fee },
      depends: [],
      spentby: [],
      'bip125-replaceable': tx.vin.some((v) => v.sequence < 0xfffffffe),
      unbroadcast: false,
    };
  },
  getblockcount: (ctx) => ctx.view.tip.height,
  getbestblockhash: (ctx) => ctx.view.tip.hash,
  getblockhash: (ctx, [height]) => {
    expect(height, 'number');
    const b = ctx.view.chain.byHeight(height as number);
    if (!Number.isInteger(height) || !b) throw new RpcError(RPC_INVALID_PARAMETER, 'Block height out of range');
    return b.hash;
  },
  getblockheader: (ctx, [hash, verbose]) => {
    // A block of the mempool's world (the tip gettxout names as bestblock): its height is what is asked.
    const mh = typeof hash === 'string' ? ctx.mempool?.blockHeight(hash.toLowerCase()) : undefined;
    if (mh !== undefined && !ctx.view.chain.byHash(hash as string))
      return { hash, confirmations: ctx.mempool!.tipHeight() - mh + 1, height: mh };
    const b = blockByHash(ctx, hash, 'hash');
    if (verbose !== undefined && verbose !== null) expect(verbose, 'bool');
    if (verbose === false) return Buffer.from(b.bytes.subarray(0, 80)).toString('hex');
    return ctx.view.headerJson(b);
  },
  getblock: (ctx, [hash, verb]) => {
    const b = blockByHash(ctx, hash);
    // rpc/blockchain.cpp GetBlockChecked: a pruned body is RPC_MISC_ERROR with these words.
    if (ctx.view.isPruned(b)) throw new RpcError(RPC_MISC_ERROR, 'Block not available (pruned data)');
    const v = verbosity(verb, 1);
    if (v <= 0) {
      const bytes = ctx.blockBytes(b);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
    }
    if (v === 1) return ctx.view.blockJson(b);
    throw new RpcError(
      RPC_MISC_ERROR,
      `verbosity ${v} is not served by the fake node (it keeps no per-transaction JSON)`,
    );
  },
  getblockchaininfo: (ctx) => ctx.view.blockchainInfo(ctx.ibd),
  getmempoolinfo: () => ({
    loaded: true,
    size: 41_234,
    bytes: 23_456_789,
    usage: 134_567_890,
    total_fee: 1.23456789,
    maxmempool: 300_000_000,
    mempoolminfee: 0.00001,
    minrelaytxfee: 0.00001,
    incrementalrelayfee: 0.00001,
    unbroadcastcount: 0,
    fullrbf: true,
  }),
  getnetworkinfo: () => ({
    version: 280100,
    subversion: '/Satoshi:28.1.0/',
    protocolversion: 70016,
    localservices: '0000000000000c09',
    localservicesnames: ['NETWORK', 'WITNESS', 'NETWORK_LIMITED', 'P2P_V2'],
    localrelay: true,
    timeoffset: 0,
    networkactive: true,
    connections: 10,
    connections_in: 0,
    connections_out: 10,
    networks: [],
    relayfee: 0.00001,
    incrementalfee: 0.00001,
    localaddresses: [],
    warnings: [],
  }),
  uptime: (ctx) => Math.floor((Date.now() - ctx.startedAt) / 1000),
};

export function callMethod(ctx: MethodContext, method: string, rawParams: unknown): unknown {
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
  if (!handler) throw new RpcError(RPC_METHOD_NOT_FOUND, 'Method not found');
  let params: unknown[];
  if (rawParams === undefined || rawParams === null) params = [];
  else if (Array.isArray(rawParams)) params = rawParams;
  else if (typeof rawParams === 'object') {
    const names = PARAM_NAMES[method] ?? [];
    const obj = rawParams as Record<string, unknown>;
    for (const k of Object.keys(obj))
      if (!names.includes(k)) throw new RpcError(RPC_INVALID_PARAMETER, `Unknown named parameter ${k}`);
    params = names.map((n) => obj[n]);
  } else throw new RpcError(RPC_INVALID_REQUEST, 'Params must be an array or object');
  return handler(ctx, params);
}
