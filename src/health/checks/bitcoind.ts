import { SourceError, describeError } from '../../errors.js';
import type { ChainInfo } from '../../sources/types.js';
import type { CheckOutcome, Metric } from '../types.js';

/** Bitcoin Core answers -28 (RPC_IN_WARMUP) while it loads the block index or verifies blocks. */
export const RPC_IN_WARMUP = -28;

/** Below this, the node is still catching up even if it no longer flags initial block download. */
const SYNCED_PROGRESS = 0.9999;

export function isWarmingUp(err: unknown): boolean {
  return err instanceof SourceError && err.details.code === RPC_IN_WARMUP;
}

const gauge = (name: string, help: string, value: number): Metric => ({ name, help, value });

/**
 * Bitcoin Core RPC: reachable, height, sync progress. A node that is warming up or syncing is
 * working as designed, so it is WARN with its progress, never CRIT; only an unreachable or
 * refusing node (auth, network) is CRIT.
 */
export async function checkBitcoind(getInfo: () => Promise<ChainInfo>): Promise<CheckOutcome> {
  let info: ChainInfo;
  try {
    info = await getInfo();
  } catch (err) {
    const up = gauge('utxoracle_bitcoind_up', 'Bitcoin Core answered RPC (1) or not (0).', isWarmingUp(err) ? 1 : 0);
    if (isWarmingUp(err)) {
      return {
        state: 'WARN',
        figure: null,
        unit: 'blocks',
        threshold: null,
        message: `warming up: ${(err as Error).message}`,
        metrics: [up],
        details: { warming_up: true },
      };
    }
    return {
      state: 'CRIT',
      figure: null,
      unit: 'blocks',
      threshold: null,
      message: `unreachable: ${describeError(err)}`,
      metrics: [up],
    };
  }
  const syncing = info.initialblockdownload || info.verificationprogress < SYNCED_PROGRESS;
  const metrics = [
    gauge('utxoracle_bitcoind_up', 'Bitcoin Core answered RPC (1) or not (0).', 1),
    gauge('utxoracle_bitcoind_height', 'Height of the best block Bitcoin Core has validated.', info.blocks),
    gauge('utxoracle_bitcoind_headers', 'Height of the best header Bitcoin Core knows.', info.headers),
    gauge(
      'utxoracle_bitcoind_verification_progress',
      'Bitcoin Core verification progress estimate (0..1).',
      info.verificationprogress,
    ),
    gauge(
      'utxoracle_bitcoind_initial_block_download',
      'Bitcoin Core is in initial block download (1) or not (0).',
      info.initialblockdownload ? 1 : 0,
    ),
  ];
  const details = {
    chain: info.chain,
    headers: info.headers,
    verification_progress: info.verificationprogress,
    initial_block_download: info.initialblockdownload,
  };
  if (syncing) {
    const pct = (info.verificationprogress * 100).toFixed(2);
    return {
      state: 'WARN',
      figure: info.blocks,
      unit: 'blocks',
      threshold: null,
      message: `syncing: ${pct}% verified, height: ${info.blocks} of ${info.headers} headers`,
      metrics,
      details,
    };
  }
  return {
    state: 'OK',
    figure: info.blocks,
    unit: 'blocks',
    threshold: null,
    message: `height: ${info.blocks}`,
    metrics,
    details,
  };
}
