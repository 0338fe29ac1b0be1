// The rows whale-watch writes, in the columns of src/store/schema/whaleDb.ts (snake_case there,
// camelCase here). Every number is checked finite before it gets here; nullable columns take null,
// never NaN.
import type { Flow } from './flow.js';

export interface PredictionRow {
  txid: string;
  detectedAt: Date;
  totalSats: bigint;
  totalBtc: number;
  feeSats: number | null;
  vsize: number | null;
  /** sat/vB. */
  feeRate: number | null;
  rbf: boolean;
  flow: Flow;
  /** Sorted exchange names; stored comma-separated. */
  exchanges: string[];
  prevoutsKnown: boolean;
  urgency: number;
  tipHeight: number | null;
  predictedHeight: number | null;
  predictedWindow: number | null;
  replacesTxid: string | null;
  rootTxid: string;
  alerted: boolean;
}

export type OutcomeKind = 'confirmed' | 'replaced' | 'dropped' | 'expired';
/**
 * stream: learnt from mempool's WebSocket; electrs, electrum, core, mempool: from that lookup (a
 * catch-up or the timeout check); timeout: past WHALE_OUTCOME_TIMEOUT_MIN with no lookup able to tell.
 */
export type OutcomeSource = 'stream' | 'electrs' | 'electrum' | 'core' | 'mempool' | 'timeout';

export interface OutcomeRow {
  txid: string;
  outcome: OutcomeKind;
  resolvedAt: Date;
  confirmedHeight: number | null;
  /** The transaction that confirmed: itself, or the last replacement of its chain. */
  confirmedTxid: string | null;
  minutesToConfirm: number | null;
  blocksVsPredicted: number | null;
  /** null until the chain is settled (a replaced transaction whose replacement is still pending). */
  withinWindow: boolean | null;
  replacedBy: string | null;
  source: OutcomeSource;
}

export interface HeartbeatRow {
  runId: string;
  pid: number;
  startedAt: Date;
  beatAt: Date;
  connected: boolean;
  tracked: number;
  messages: number;
  gaps: number;
  whales: number;
  /** An exchange address list is loaded: flows can be labelled. */
  flowsLabelled: boolean;
  /** Transactions examined by catching up with the mempool, this run. */
  caughtUp: number;
  /** Since when mempool's WebSocket is connected (null while it is not). */
  connectedSince: Date | null;
  /** Since when it is not (null while connected; from the start when it never was). */
  disconnectedSince: Date | null;
  /** The newest `mempool-transactions` delta (null: none yet this run). */
  lastDeltaAt: Date | null;
  /** The last beat of a whale-watch stopped on purpose (SIGTERM, --duration): not "disconnected". */
  stopped: boolean;
  /** What mempool's backend-info said (null: not read). */
  mempoolVersion: string | null;
  mempoolBackend: string | null;
  /** The lookups and whether each is up (JSON: whale/lookups/lookups.ts LookupHealth[]). */
  lookups: string;
  /** whale-watch's own resident memory, MB. */
  rssMb: number;
}

/** One sample of system_metrics (the whale guide's table): a figure of whale-watch at a moment. */
export interface MetricRow {
  runId: string;
  at: Date;
  /** e.g. memory_usage_mb, tracked_whales, ws_connected. */
  name: string;
  value: number;
}
