// Bitcoin Core as the mempool's source for whale-watch when there is no Esplora and no Electrum
// server (Core alone), or to back them up: the listing (`getrawmempool`), raw transactions in JSON-RPC
// batches (`getrawtransaction <txid> false`: a mempool transaction needs no txindex; anything else
// without txindex is -5), the coins a transaction spends (`gettxout <txid> <n> false`: the chain's
// UTXO set, mempool spends not applied, so a whale's own inputs are still there — no txindex either),
// and a mempool entry's fee (`getmempoolentry`). Values come back checked.
import { SourceError } from '../../errors.js';
import { TxidArrayParser } from '../esplora/mempoolTxids.js';
import { rpcError, type RpcClient } from './rpc.js';

/** RPC_INVALID_ADDRESS_OR_KEY: "No such mempool transaction…", "Transaction not in mempool". */
export const RPC_NOT_FOUND = -5;

const TXID = /^[0-9a-f]{64}$/;
const HEX = /^([0-9a-f]{2})+$/;

const bad = (method: string, why: string): SourceError =>
  new SourceError(`Bitcoin Core ${method}: ${why}`, { service: 'bitcoind', endpoint: method, retryable: false });

/** True for Core's "no such transaction" (not in the mempool, and no txindex or not in the chain). */
export function isNotFound(err: unknown): boolean {
  return err instanceof SourceError && err.details.code === RPC_NOT_FOUND;
}

/** Without txindex Core can only find mempool transactions; it says so in the -5's words. */
export function needsTxindex(err: unknown): boolean {
  return isNotFound(err) && /Use -txindex/.test((err as Error).message);
}

/**
 * `getrawmempool` read as it streams: the txids handed to `onBatch` chunk by chunk, never the ~20 MB
 * reply of a 300k-transaction mempool held whole (nor its ~25 MB of strings). Core writes the reply
 * as `{"result":[…],"error":null,"id":…}` (or `{"jsonrpc":"2.0","result":[…],"id":…}`); the array
 * after `"result":` is read incrementally, anything else (an error reply, which is short) whole.
 */
export async function streamRawMempool(rpc: RpcClient, onBatch: (txids: string[]) => void): Promise<number> {
  const parser = new TxidArrayParser('Bitcoin Core', { endpoint: 'getrawmempool', rest: 'ignore' });
  let head = '';
  let inArray = false;
  const reply: Buffer[] = []; // the reply before the array (an error reply is all of it), as bytes: UTF-8
  const status = await rpc.stream('getrawmempool', [false], (chunk) => {
    if (inArray) {
      const txids = parser.push(chunk.toString('latin1')); // the array is ASCII
      if (txids.length) onBatch(txids);
      return;
    }
    reply.push(chunk);
    if (head.length > 4096) return; // no array in sight: an error reply, read at the end
    head += chunk.toString('latin1');
    const m = /"result"\s*:\s*/.exec(head);
    if (!m) return;
    const rest = head.slice(m.index + m[0].length);
    if (rest.length === 0) return;
    if (rest[0] !== '[') {
      head = ' '.repeat(4097); // "result": null, and an error
      return;
    }
    inArray = true;
    const txids = parser.push(rest);
    if (txids.length) onBatch(txids);
  });
  if (inArray) {
    parser.end();
    return parser.count;
  }
  const body = Buffer.concat(reply).toString('utf8');
  let parsed: { error?: { code?: unknown; message?: unknown } | null } | undefined;
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw bad(
      'getrawmempool',
      `HTTP ${status} with a reply that is not JSON-RPC: ${JSON.stringify(body.slice(0, 80))}`,
    );
  }
  if (parsed?.error) throw rpcError('getrawmempool', parsed.error, status);
  throw bad('getrawmempool', `expected an array of txids, got ${JSON.stringify(body.slice(0, 80))}`);
}

/**
 * `getrawtransaction <txid> false` for each txid, in one request: the hex, or null for one the node
 * does not have (-5: it left the mempool, or is confirmed and there is no txindex).
 */
export async function getRawTransactions(rpc: RpcClient, txids: readonly string[]): Promise<(string | null)[]> {
  const answers = await rpc.batchSettled<unknown>(
    txids.map((t) => ({ method: 'getrawtransaction', params: [t, false] })),
  );
  return answers.map((a, i) => {
    if (!a.ok) {
      if (isNotFound(a.error)) return null;
      throw a.error;
    }
    if (typeof a.result !== 'string' || !HEX.test(a.result))
      throw bad(
        'getrawtransaction',
        `${txids[i]}: expected transaction hex, got ${JSON.stringify(a.result)?.slice(0, 40)}`,
      );
    return a.result;
  });
}

export interface CoreTxOut {
  /** Satoshis. */
  value: number;
  scriptHex: string;
  /** Confirmations of the transaction that made it (0: in the mempool, with include_mempool). */
  confirmations: number;
  /** The tip the answer is relative to. */
  bestblock: string;
}

/** BTC with 8 decimals as Core prints them -> exact satoshis. */
export function btcToSatoshis(btc: number): number {
  const sats = Math.round(btc * 1e8);
  if (!Number.isSafeInteger(sats) || sats < 0 || Math.abs(sats - btc * 1e8) > 0.5)
    throw bad('gettxout', `value ${btc} is not an amount`);
  return sats;
}

/**
 * `gettxout <txid> <n> <includeMempool>`: an unspent output, or null (spent, or unknown). With
 * includeMempool false Core looks at the chain's UTXO set only, where the coins a mempool transaction
 * spends are still unspent.
 */
export async function getTxOut(
  rpc: RpcClient,
  txid: string,
  n: number,
  includeMempool: boolean,
): Promise<CoreTxOut | null> {
  const r = await rpc.call<unknown>('gettxout', [txid, n, includeMempool]);
  if (r === null) return null;
  const o = r as { value?: unknown; scriptPubKey?: { hex?: unknown }; confirmations?: unknown; bestblock?: unknown };
  if (typeof o !== 'object' || typeof o.value !== 'number') throw bad('gettxout', 'reply lacks value');
  const hex = o.scriptPubKey?.hex;
  if (typeof hex !== 'string' || !(hex === '' || HEX.test(hex))) throw bad('gettxout', 'reply lacks scriptPubKey.hex');
  if (typeof o.confirmations !== 'number' || !Number.isSafeInteger(o.confirmations) || o.confirmations < 0)
    throw bad('gettxout', 'reply lacks confirmations');
  if (typeof o.bestblock !== 'string' || !TXID.test(o.bestblock)) throw bad('gettxout', 'reply lacks bestblock');
  return { value: btcToSatoshis(o.value), scriptHex: hex, confirmations: o.confirmations, bestblock: o.bestblock };
}

/** `getmempoolentry`: the fee (satoshis) of a mempool transaction, or null when it is not in the mempool. */
export async function getMempoolFee(rpc: RpcClient, txid: string): Promise<number | null> {
  try {
    const r = await rpc.call<{ fees?: { base?: unknown } }>('getmempoolentry', [txid]);
    const base = r?.fees?.base;
    if (typeof base !== 'number') throw bad('getmempoolentry', 'reply lacks fees.base');
    return btcToSatoshis(base);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** The height of a block by its hash (`getblockheader <hash> true`). */
export async function getBlockHeight(rpc: RpcClient, hash: string): Promise<number> {
  const r = await rpc.call<{ height?: unknown }>('getblockheader', [hash, true]);
  if (typeof r?.height !== 'number' || !Number.isSafeInteger(r.height))
    throw bad('getblockheader', 'reply lacks height');
  return r.height;
}

/**
 * `getrawtransaction <txid> true`: where the transaction is — in the mempool (no confirmations), or
 * confirmed (blockhash, confirmations; only with txindex). Not found, the -5's words say whether the
 * node looked in the chain too (txindex: the transaction is nowhere) or only in its mempool.
 */
export async function getTransactionPlace(
  rpc: RpcClient,
  txid: string,
): Promise<{ confirmations: number; blockhash?: string } | { missing: 'everywhere' | 'mempool' }> {
  try {
    const r = await rpc.call<{ confirmations?: unknown; blockhash?: unknown }>('getrawtransaction', [txid, true]);
    const confirmations = typeof r?.confirmations === 'number' ? r.confirmations : 0;
    return typeof r?.blockhash === 'string' ? { confirmations, blockhash: r.blockhash } : { confirmations };
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return { missing: needsTxindex(err) ? 'mempool' : 'everywhere' };
  }
}
