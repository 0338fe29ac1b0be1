import { describeError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { EsploraSource } from '../../sources/types.js';
import { grade } from '../grade.js';
import type { CheckOutcome, Threshold } from '../types.js';

export interface ElectrsThresholds {
  electrsLagWarn: number;
  electrsLagCrit: number;
}

/**
 * electrs: its tip and how far it trails Bitcoin Core. The tip request is timed around the call
 * itself. Core's height comes from the shared Core request, so both services are asked at once;
 * when Core cannot say, the lag is unknown and the check is WARN (electrs itself answered).
 */
export async function checkElectrs(
  esplora: Pick<EsploraSource, 'getTipHeight'>,
  coreHeight: () => Promise<number>,
  t: ElectrsThresholds,
  clock: Pick<Clock, 'elapsed'>,
): Promise<CheckOutcome> {
  const threshold: Threshold = { op: '>=', warn: t.electrsLagWarn, crit: t.electrsLagCrit, unit: 'blocks' };
  const core = coreHeight().then(
    (h) => ({ ok: true as const, h }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  const started = clock.elapsed();
  let tip: number;
  try {
    tip = await esplora.getTipHeight();
  } catch (err) {
    return {
      state: 'CRIT',
      figure: null,
      unit: 'blocks',
      threshold,
      message: `down: ${describeError(err)}`,
      metrics: [up(0)],
    };
  }
  const latencyMs = Math.round(clock.elapsed() - started);
  const metrics = [
    up(1),
    { name: 'utxoracle_electrs_height', help: 'Tip height electrs reports.', value: tip },
    {
      name: 'utxoracle_electrs_latency_seconds',
      help: 'Time electrs took to answer /blocks/tip/height.',
      value: latencyMs / 1000,
    },
  ];
  const c = await core;
  if (!c.ok) {
    return {
      state: 'WARN',
      figure: null,
      unit: 'blocks',
      threshold,
      message: `tip: ${tip}, lag unknown, Bitcoin Core did not answer`,
      metrics,
      details: { tip, latency_ms: latencyMs },
    };
  }
  const lag = c.h - tip;
  metrics.push({ name: 'utxoracle_electrs_lag_blocks', help: 'Blocks electrs trails Bitcoin Core by.', value: lag });
  // electrs can be a block ahead for a moment when it saw a block before our Core call; that is no lag.
  const state = grade(Math.max(0, lag), threshold);
  const ahead = lag < 0 ? `, ${-lag} ahead of Core` : '';
  return {
    state,
    figure: lag,
    unit: 'blocks',
    threshold,
    message: `lag: ${lag} blocks, tip: ${tip}${ahead}`,
    metrics,
    details: { tip, core_height: c.h, latency_ms: latencyMs },
  };
}

function up(v: 0 | 1) {
  return { name: 'utxoracle_electrs_up', help: 'electrs answered (1) or not (0).', value: v };
}
