// Esplora (electrs) HTTP client: what health-check (tip height, to grade electrs' lag behind Core)
// and whale-watch need: `/tx/:txid/status` for predictions still open, `/tx/:txid` for the spent
// outputs mempool leaves null and for catching up, `/mempool/txids` (streamed, mempoolTxids.ts).
// electrs answers {"confirmed":false} for a txid it does not know (rest.rs: `get_tx_status` is
// `tx_confirming_block`, the chain only), so "unconfirmed" and "unknown" look the same there; only
// `/tx/:txid` tells them apart (404 "Transaction not found" when neither the chain nor the mempool
// has it).
import { ConfigError, SourceError } from '../../errors.js';
import { HttpPool } from '../http/request.js';
import { httpGet, parseJsonBody } from '../httpJson.js';
import { parseMempoolTx } from '../mempool/stream/parseTx.js';
import type { MempoolTx } from '../mempool/stream/types.js';
import type { EsploraSource } from '../types.js';
import { streamMempoolTxids } from './mempoolTxids.js';

export interface EsploraOptions {
  /** ELECTRS_API_URL, e.g. http://localhost:3001. */
  url: string;
  /** Per attempt, ms (default 5000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 2). */
  retries?: number;
  /** First retry delay, ms (default 500, doubling). */
  backoffMs?: number;
  onRetry?: (err: SourceError, attempt: number) => void;
  /** Keep-alive connections for `/tx/:txid` lookups (default 8): a catch-up makes thousands of them. */
  connections?: number;
  /**
   * The name in messages (default "electrs"). mempool itself serves these routes under /api/v1 when
   * its backend is not Esplora (bitcoin.routes.ts): "mempool" then.
   */
  service?: string;
  /** The setting the URL comes from, for configuration errors (default ELECTRS_API_URL). */
  setting?: string;
}

export type TxStatus = Awaited<ReturnType<EsploraSource['getTxStatus']>>;

/** What whale-watch asks electrs (EsploraSource plus transactions and the mempool listing). */
export interface EsploraTxSource extends EsploraSource {
  /** `/tx/:txid` in Esplora's shape (prevouts filled, fee, status); null when electrs does not know it (404). */
  getTx(txid: string): Promise<MempoolTx | null>;
  /** Streams `/mempool/txids` to `onBatch`, a network chunk at a time; resolves with the count. */
  streamMempoolTxids(onBatch: (txids: string[]) => void, signal?: AbortSignal): Promise<number>;
}

export interface EsploraClient extends EsploraTxSource {
  getTipHash(): Promise<string>;
  getMempoolTxids(): Promise<string[]>;
  /** Closes the kept-alive connections of the transaction lookups. */
  close(): Promise<void>;
}

const HASH_RE = /^[0-9a-f]{64}$/;
const NOT_FOUND = /^(Transaction not found|\{"error":"No such mempool or blockchain transaction"\})/;

const badAnswer = (service: string, endpoint: string, message: string): SourceError =>
  new SourceError(`${service} ${endpoint}: ${message}`, { service, endpoint, retryable: false });

export function validateTxStatus(body: unknown, endpoint: string, service = 'electrs'): TxStatus {
  const bad = (e: string, m: string) => badAnswer(service, e, m);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad(endpoint, `expected a JSON object, got ${JSON.stringify(body)?.slice(0, 60)}`);
  const o = body as Record<string, unknown>;
  if (typeof o.confirmed !== 'boolean')
    throw bad(endpoint, `confirmed must be a boolean, got ${JSON.stringify(o.confirmed) ?? 'nothing'}`);
  if (!o.confirmed) return { confirmed: false };
  const { block_height: height, block_hash: hash, block_time: time } = o;
  if (typeof height !== 'number' || !Number.isSafeInteger(height) || height < 0)
    throw bad(endpoint, `block_height must be a height, got ${JSON.stringify(height) ?? 'nothing'}`);
  if (typeof hash !== 'string' || !HASH_RE.test(hash))
    throw bad(endpoint, `block_hash must be 64 hex digits, got ${JSON.stringify(hash) ?? 'nothing'}`);
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time <= 0)
    throw bad(endpoint, `block_time must be a unix time, got ${JSON.stringify(time) ?? 'nothing'}`);
  return { confirmed: true, block_height: height, block_hash: hash, block_time: time };
}

export function createEsploraClient(o: EsploraOptions): EsploraClient {
  const service = o.service ?? 'electrs';
  const setting = o.setting ?? 'ELECTRS_API_URL';
  const bad = (endpoint: string, message: string) => badAnswer(service, endpoint, message);
  let base: URL;
  try {
    base = new URL(o.url);
  } catch {
    throw new ConfigError(`${setting} must be an http(s) URL, got "${o.url}"`, setting);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new ConfigError(`${setting} must be an http(s) URL, got "${o.url}"`, setting);
  const get = (endpoint: string) =>
    httpGet(o.url, endpoint, {
      service,
      timeoutMs: o.timeoutMs ?? 5000,
      attempts: 1 + (o.retries ?? 2),
      backoffMs: o.backoffMs ?? 500,
      onRetry: o.onRetry,
    });

  // Transaction lookups go through one keep-alive pool without p-retry or a timer per request:
  // a catch-up on a 300k mempool makes 300k of them, and the generic GET costs twice as much.
  let pool: HttpPool | undefined;
  const txBody = async (endpoint: string): Promise<string | null> => {
    pool ??= new HttpPool(base, o.connections ?? 8, o.timeoutMs ?? 5000, service);
    const attempts = 1 + (o.retries ?? 2);
    for (let attempt = 1; ; attempt++) {
      let err: SourceError;
      try {
        const res = await pool.request(endpoint, { method: 'GET' });
        if (res.statusCode === 200) return res.text();
        // The transaction is not known: rest.rs answers "Transaction not found", mempool's own route
        // {"error":"No such mempool or blockchain transaction"}. Any other 404 (a proxy's page, a
        // prefix missing from the URL) is no answer about the transaction: an error.
        if (res.statusCode === 404 && NOT_FOUND.test(res.text())) return null;
        err = new SourceError(`${service} ${endpoint}: HTTP ${res.statusCode} ${res.text().slice(0, 80).trim()}`, {
          service,
          endpoint,
          status: res.statusCode,
          retryable: res.statusCode >= 500 || res.statusCode === 429,
        });
      } catch (e) {
        if (e instanceof SourceError) throw e; // a TLS failure, already said in full
        const code = (e as { code?: string }).code;
        err = new SourceError(
          `${service} ${endpoint}: ${code ?? (e as Error).message}`,
          { service, endpoint, retryable: true },
          { cause: e },
        );
      }
      if (!err.details.retryable || attempt >= attempts) throw err;
      o.onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, (o.backoffMs ?? 500) * 2 ** (attempt - 1)));
    }
  };

  const checkTxid = (txid: string, endpoint: string): void => {
    // Checked here so a bad txid is our error, not a 400 round trip.
    if (!HASH_RE.test(txid))
      throw new SourceError(`${service}: txid must be 64 lowercase hex digits, got ${JSON.stringify(txid)}`, {
        service,
        endpoint,
        retryable: false,
      });
  };

  return {
    async getTipHeight() {
      const endpoint = '/blocks/tip/height';
      const body = (await get(endpoint)).body.trim();
      // text/plain decimal; Number('') is 0 and Number('1e3') is 1000, so check the digits first.
      if (!/^\d{1,9}$/.test(body))
        throw bad(endpoint, `expected a block height, got ${JSON.stringify(body.slice(0, 40))}`);
      return Number(body);
    },
    async getTipHash() {
      const endpoint = '/blocks/tip/hash';
      const body = (await get(endpoint)).body.trim();
      if (!HASH_RE.test(body)) throw bad(endpoint, `expected a block hash, got ${JSON.stringify(body.slice(0, 70))}`);
      return body;
    },
    async getTxStatus(txid: string) {
      checkTxid(txid, '/tx/:txid/status');
      const endpoint = `/tx/${txid}/status`;
      return validateTxStatus(parseJsonBody((await get(endpoint)).body, service, endpoint), endpoint, service);
    },
    async getTx(txid: string) {
      checkTxid(txid, '/tx/:txid');
      const endpoint = `/tx/${txid}`;
      const body = await txBody(endpoint);
      if (body === null) return null;
      let tx: MempoolTx;
      try {
        tx = parseMempoolTx(parseJsonBody(body, service, endpoint), 'tx');
      } catch (err) {
        if (err instanceof SourceError) throw err;
        throw bad(endpoint, (err as Error).message);
      }
      if (tx.txid !== txid) throw bad(endpoint, `answered transaction ${tx.txid}`);
      return tx;
    },
    streamMempoolTxids(onBatch, signal) {
      return streamMempoolTxids(o.url, onBatch, { idleTimeoutMs: o.timeoutMs ?? 5000, signal, service });
    },
    async close() {
      await pool?.close();
    },
    async getMempoolTxids() {
      const endpoint = '/mempool/txids';
      const body = parseJsonBody((await get(endpoint)).body, service, endpoint);
      if (!Array.isArray(body))
        throw bad(endpoint, `expected an array of txids, got ${JSON.stringify(body)?.slice(0, 60)}`);
      for (const [i, t] of body.entries()) {
        if (typeof t !== 'string' || !HASH_RE.test(t))
          throw bad(endpoint, `[${i}] must be a txid, got ${JSON.stringify(t)}`);
      }
      return body as string[];
    },
  };
}
