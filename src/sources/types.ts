// One interface per outside service, so a job runs the same against the real service or a fake.
import type { AlertEvent, DeliveryResult } from '../alerts/event.js';
import type { MempoolStreamStats } from './mempool/stream/stream.js';
import type { EventOf, StreamEventType } from './mempool/stream/types.js';

/** A block's place in the chain, as the node reports it. `time` is the header time (not median time). */
export interface BlockRef {
  height: number;
  hash: string;
  time: number;
}

export interface RawBlock {
  ref: BlockRef;
  /** Consensus serialization, exactly as `getblock <hash> 0` / `/rest/block/<hash>.bin`. */
  bytes: Uint8Array;
}

export interface ChainInfo {
  chain: string;
  blocks: number;
  headers: number;
  bestblockhash: string;
  initialblockdownload: boolean;
  verificationprogress: number;
  /** The tip block's header time (Unix seconds); older Core versions do not give it. */
  time?: number;
}

export interface MempoolInfo {
  loaded: boolean;
  size: number;
  bytes: number;
  usage: number;
}

/** Bitcoin Core, as the oracle and health-check need it. */
export interface BlockSource {
  getTipHeight(): Promise<number>;
  /** Hash and header time for each height, batched; order follows `heights`. */
  getBlockRefs(heights: readonly number[]): Promise<BlockRef[]>;
  /**
   * Refs for the consecutive heights `from .. from+count-1` in one or two round trips (REST headers,
   * else RPC batches), fewer when the tip comes first; each header checked to build on the one before.
   */
  getHeaderRefs(from: number, count: number): Promise<BlockRef[]>;
  /**
   * Raw blocks for the refs, fetched in parallel (bounded), each checked: its hash equals ref.hash and
   * it links to the previous ref when heights are consecutive. Order follows `refs`.
   */
  getRawBlocks(refs: readonly BlockRef[], onBlock?: (block: RawBlock) => void): Promise<RawBlock[]>;
  getBlockchainInfo(): Promise<ChainInfo>;
  getMempoolInfo(): Promise<MempoolInfo>;
  close(): Promise<void>;
}

/** The exchange price mempool reports (`GET /api/v1/prices`), validated. */
export interface ExchangePrice {
  usd: number;
  /** Unix seconds of the price, as mempool reports it. */
  time: number;
}

export interface PriceSource {
  getUsdPrice(): Promise<ExchangePrice>;
}

/** An index server's view of the chain (health grades its lag behind Core): Esplora HTTP or Electrum. */
export interface IndexSource {
  readonly kind: 'esplora' | 'electrum';
  /** Where it is, as messages show it (credentials masked): `http://host:3001`, `tcp://host:50001`. */
  readonly label: string;
  getTipHeight(): Promise<number>;
}

/** Esplora (electrs) HTTP API. */
export interface EsploraSource {
  getTipHeight(): Promise<number>;
  /** `/tx/:txid/status`: electrs answers {confirmed:false} for unknown txids. */
  getTxStatus(
    txid: string,
  ): Promise<{ confirmed: boolean; block_height?: number; block_hash?: string; block_time?: number }>;
}

/**
 * mempool's WebSocket (`/api/v1/ws`) as whale-watch follows it: a subscription that reconnects by
 * itself and hands each message to the handlers as typed events (sources/mempool/stream/).
 */
export interface MempoolStreamSource {
  /** Connects (and keeps reconnecting until closed). */
  start(): this;
  readonly connected: boolean;
  readonly stats: Readonly<MempoolStreamStats>;
  /** Handlers run synchronously as each message is read; returns an unsubscribe. */
  on<T extends StreamEventType>(type: T | '*', handler: (event: EventOf<T>) => unknown): () => void;
  close(): Promise<void>;
}

/**
 * Where alerts go: the signed webhook (alerts/webhook.ts), the router that picks the ops or the whale
 * webhook per event (alerts/router.ts), a recording sink in tests. Built once per run.
 */
export interface AlertSink {
  /** The setting that configures it (ALERT_WEBHOOK_URL, WHALE_WEBHOOK_URL), or what it is. */
  readonly name: string;
  /** Delivers one event; a failure is in the result, never thrown. */
  send(event: AlertEvent): Promise<DeliveryResult>;
}
