// createBitcoindClient: the BlockSource the jobs use, over JSON-RPC and (when served) REST.
import { ConfigError, SourceError } from '../../errors.js';
import type { BlockRef, BlockSource, ChainInfo, MempoolInfo, RawBlock } from '../types.js';
import { createAuth } from './auth.js';
import { getBlockRefs, getRawBlocks } from './blocks.js';
import { getHeaderRefs } from './headers.js';
import { joinUrl } from '../http/url.js';
import { RestClient } from './rest.js';
import type { Logger } from './retry.js';
import { RpcClient } from './rpc.js';
import { NodeOutage } from './outage.js';

export interface BitcoindClientOptions {
  /** e.g. http://127.0.0.1:8332; credentials in the URL are taken out and used as user/password. */
  url: string;
  cookieFile?: string;
  user?: string;
  password?: string;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Blocks fetched at once (and sockets kept open). */
  concurrency: number;
  /** Extra attempts for transient failures. */
  retries: number;
  /** First backoff (default 250 ms); doubled each retry with jitter, capped at 5 s. */
  retryDelayMs?: number;
  /** 'auto' (default) probes REST once; 'never' always uses RPC getblock. */
  rest?: 'auto' | 'never';
  logger?: Logger;
  /**
   * Wait this long for a node that went away (restarting, warming up) before a request fails
   * (BITCOIN_RESTART_WAIT_SEC; analyze only: health-check reports, whale-watch carries on). 0: never.
   */
  restartWaitMs?: number;
  /** Ends a restart wait (the job's signal). */
  signal?: AbortSignal;
}

export interface BitcoindClient extends BlockSource {
  readonly rpc: RpcClient;
  /** Whether blocks come over REST (probes on first call). */
  usesRest(): Promise<boolean>;
  /**
   * The REST URL of a block's bytes (`/rest/block/<hash>.bin`, unauthenticated), for a parser
   * thread to fetch itself; undefined when the node does not serve REST.
   */
  restBlockUrl(hash: string): Promise<string | undefined>;
}

/** BITCOIN_RPC_URL without its credentials (taken out as user/password) and without a trailing slash. */
function parseUrl(raw: string): { base: string; user?: string; password?: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(
      `BITCOIN_RPC_URL must be an http:// URL, got "${raw.replace(/\/\/[^@/]*@/, '//***@')}"`,
      'BITCOIN_RPC_URL',
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ConfigError(`BITCOIN_RPC_URL must be an http:// URL, got protocol ${u.protocol}`, 'BITCOIN_RPC_URL');
  const creds = u.username ? { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : {};
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  // A path prefix stays (Core behind a proxy at https://host/bitcoin): RPC posts to it, REST is under it.
  return { base: u.toString().replace(/\/+$/, ''), ...creds };
}

function expectObject<T>(v: unknown, method: string, fields: readonly (keyof T & string)[]): T {
  const o = v as Record<string, unknown> | null;
  const missing = fields.filter((f) => !o || typeof o !== 'object' || o[f] === undefined);
  if (missing.length)
    throw new SourceError(`Bitcoin Core ${method}: reply lacks ${missing.join(', ')}`, {
      service: 'bitcoind',
      endpoint: method,
    });
  return o as T;
}

export function createBitcoindClient(options: BitcoindClientOptions): BitcoindClient {
  const { base, user, password } = parseUrl(options.url);
  for (const [name, v] of [
    ['timeoutMs', options.timeoutMs],
    ['concurrency', options.concurrency],
    ['retries', options.retries],
  ] as const) {
    if (!Number.isInteger(v) || v < (name === 'retries' ? 0 : 1))
      throw new ConfigError(`bitcoind client ${name} must be a positive integer, got ${v}`, name);
  }
  const auth = createAuth({
    cookieFile: options.cookieFile,
    user: options.user ?? user,
    password: options.password ?? password,
  });
  const retry = { retries: options.retries, minDelayMs: options.retryDelayMs ?? 250, maxDelayMs: 5_000 };
  // The probe is the RPC client's own single call; the waiter is shared by RPC and REST requests.
  let probe: () => Promise<void> = () => Promise.resolve();
  const outage =
    options.restartWaitMs && options.logger
      ? new NodeOutage({
          probe: () => probe(),
          waitMs: options.restartWaitMs,
          log: options.logger,
          signal: options.signal,
        })
      : undefined;
  const rpc = new RpcClient({
    base,
    auth,
    timeoutMs: options.timeoutMs,
    connections: options.concurrency,
    retry,
    logger: options.logger,
    outage,
  });
  probe = () => rpc.probe();
  const rest =
    options.rest === 'never'
      ? undefined
      : new RestClient({
          base,
          timeoutMs: options.timeoutMs,
          connections: options.concurrency,
          retry,
          logger: options.logger,
          outage,
        });
  const deps = { rpc, rest, concurrency: options.concurrency };
  let closing: Promise<void> | undefined;

  return {
    rpc,
    usesRest: async () => (rest ? rest.isAvailable() : false),
    restBlockUrl: async (hash) =>
      rest && (await rest.isAvailable()) ? joinUrl(base, `/rest/block/${hash}.bin`).toString() : undefined,
    async getTipHeight() {
      const n = await rpc.call<unknown>('getblockcount');
      if (!Number.isSafeInteger(n) || (n as number) < 0)
        throw new SourceError(`Bitcoin Core getblockcount returned ${JSON.stringify(n)}`, {
          service: 'bitcoind',
          endpoint: 'getblockcount',
        });
      return n as number;
    },
    getBlockRefs: (heights: readonly number[]): Promise<BlockRef[]> => getBlockRefs(rpc, heights),
    getHeaderRefs: (from: number, count: number): Promise<BlockRef[]> => getHeaderRefs(deps, from, count),
    getRawBlocks: (refs: readonly BlockRef[], onBlock?: (b: RawBlock) => void): Promise<RawBlock[]> =>
      getRawBlocks(deps, refs, onBlock),
    async getBlockchainInfo(): Promise<ChainInfo> {
      const o = expectObject<ChainInfo>(await rpc.call('getblockchaininfo'), 'getblockchaininfo', [
        'chain',
        'blocks',
        'headers',
        'bestblockhash',
        'initialblockdownload',
        'verificationprogress',
      ]);
      return {
        chain: o.chain,
        blocks: o.blocks,
        headers: o.headers,
        bestblockhash: o.bestblockhash,
        initialblockdownload: o.initialblockdownload,
        verificationprogress: o.verificationprogress,
        ...(typeof (o as { time?: unknown }).time === 'number' ? { time: (o as { time: number }).time } : {}),
      };
    },
    async getMempoolInfo(): Promise<MempoolInfo> {
      const o = expectObject<MempoolInfo>(await rpc.call('getmempoolinfo'), 'getmempoolinfo', [
        'loaded',
        'size',
        'bytes',
        'usage',
      ]);
      return { loaded: o.loaded, size: o.size, bytes: o.bytes, usage: o.usage };
    },
    close() {
      // Idempotent: a job's cleanup list may close what a failing step already closed.
      closing ??= Promise.all([rpc.close(), rest?.close()]).then(() => undefined);
      return closing;
    },
  };
}
