// How old the node's tip block is. A node can answer, say it is synced, and still sit at one height
// for hours (its peers gone, a stalled disk): the UTXOracle price keeps being computed from the same
// window and nothing else looks wrong. Blocks come every ten minutes on average, and an hour without
// one happens a few times a month, so the defaults are 90 minutes (WARN) and 4 hours (CRIT).
import { humanAge } from '../grade.js';
import type { ChainInfo } from '../../sources/types.js';
import type { CheckOutcome, Threshold } from '../types.js';
import { grade } from '../grade.js';

export interface TipAgeThresholds {
  tipAgeWarnMin: number;
  tipAgeCritMin: number;
}

/**
 * `tipTime` gives the tip's header time when getblockchaininfo did not (older Core: getblockheader of
 * its best block). While the node says it is still syncing, its tip is old by nature: WARN at most,
 * the bitcoind check says why.
 */
export async function checkTipAge(
  getInfo: () => Promise<ChainInfo>,
  tipTime: (hash: string) => Promise<number>,
  t: TipAgeThresholds,
  nowSec: number,
): Promise<CheckOutcome> {
  const threshold: Threshold = { op: '>', warn: t.tipAgeWarnMin * 60, crit: t.tipAgeCritMin * 60, unit: 's' };
  let info: ChainInfo;
  try {
    info = await getInfo();
  } catch {
    // The bitcoind check reports the failure itself (CRIT, or WARN while warming up); counting it
    // twice would make a warming-up node UNHEALTHY.
    return {
      state: 'WARN',
      figure: null,
      unit: 's',
      threshold,
      message: 'tip age unknown, Bitcoin Core did not answer',
      metrics: [],
    };
  }
  const time = info.time ?? (await tipTime(info.bestblockhash));
  const age = Math.max(0, nowSec - time);
  const syncing = info.initialblockdownload;
  const graded = grade(age, threshold);
  return {
    state: syncing && graded === 'CRIT' ? 'WARN' : graded,
    figure: age,
    unit: 's',
    threshold,
    message: `tip ${info.blocks} mined ${humanAge(age)} ago${syncing ? ' (still in initial block download)' : ''}`,
    metrics: [
      {
        name: 'utxoracle_bitcoind_tip_age_seconds',
        help: "Age of the node's tip block (its header time) when health-check ran.",
        value: age,
      },
      { name: 'utxoracle_bitcoind_tip_timestamp_seconds', help: "Header time of the node's tip block.", value: time },
    ],
    details: { height: info.blocks, tip_time: new Date(time * 1000).toISOString() },
  };
}
