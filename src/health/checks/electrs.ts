import { describeError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { IndexSource } from '../../sources/types.js';
import { grade, worst } from '../grade.js';
import type { CheckOutcome, Threshold } from '../types.js';
import { notConfigured } from './notConfigured.js';

export interface ElectrsThresholds {
  electrsLagWarn: number;
  electrsLagCrit: number;
}

/**
 * The index server (electrs/Esplora over HTTP, or an Electrum server: romanz/electrs, Fulcrum): its
 * tip and how far it trails Bitcoin Core. The configured indexes are asked in order and the first
 * that answers is graded; one that failed before it makes the check at least WARN, naming it. With
 * none configured (ELECTRS_API_URL=none, no ELECTRUM_HOST) the check says so and is not graded down:
 * Core alone is a supported stack. Core's height comes from the shared Core request, so both are asked
 * at once; when Core cannot say, the lag is unknown and the check is WARN (the index itself answered).
 */
export async function checkElectrs(
  indexes: readonly IndexSource[],
  coreHeight: () => Promise<number>,
  t: ElectrsThresholds,
  clock: Pick<Clock, 'elapsed'>,
): Promise<CheckOutcome> {
  const threshold: Threshold = { op: '>=', warn: t.electrsLagWarn, crit: t.electrsLagCrit, unit: 'blocks' };
  if (indexes.length === 0)
    return notConfigured(
      'blocks',
      threshold,
      'not configured (ELECTRS_API_URL=none, no ELECTRUM_HOST): whale-watch uses Bitcoin Core alone',
    );
  const core = coreHeight().then(
    (h) => ({ ok: true as const, h }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  const failed: string[] = [];
  for (const index of indexes) {
    const started = clock.elapsed();
    let tip: number;
    try {
      tip = await index.getTipHeight();
    } catch (err) {
      failed.push(`${index.label} down: ${describeError(err)}`);
      continue;
    }
    const latencyMs = Math.round(clock.elapsed() - started);
    const via = indexes.length > 1 || index.kind === 'electrum' ? ` via ${index.label}` : '';
    const before = failed.length ? `${failed.join('; ')}; ` : '';
    const metrics = [
      up(1),
      { name: 'utxoracle_electrs_height', help: 'Tip height the index server reports.', value: tip },
      {
        name: 'utxoracle_electrs_latency_seconds',
        help: 'Time the index server took to answer its tip height.',
        value: latencyMs / 1000,
      },
    ];
    const details = { tip, latency_ms: latencyMs, index: index.kind, url: index.label, failed };
    const c = await core;
    if (!c.ok) {
      return {
        state: 'WARN',
        figure: null,
        unit: 'blocks',
        threshold,
        message: `${before}tip: ${tip}${via}, lag unknown, Bitcoin Core did not answer`,
        metrics,
        details,
      };
    }
    const lag = c.h - tip;
    metrics.push({ name: 'utxoracle_electrs_lag_blocks', help: 'Blocks the index server trails Core by.', value: lag });
    // An index can be a block ahead for a moment when it saw a block before our Core call; that is no lag.
    const state = worst(grade(Math.max(0, lag), threshold), failed.length ? 'WARN' : 'OK');
    const ahead = lag < 0 ? `, ${-lag} ahead of Core` : '';
    return {
      state,
      figure: lag,
      unit: 'blocks',
      threshold,
      message: `${before}lag: ${lag} blocks, tip: ${tip}${ahead}${via}`,
      metrics,
      details: { ...details, core_height: c.h },
    };
  }
  return {
    state: 'CRIT',
    figure: null,
    unit: 'blocks',
    threshold,
    message: failed.length === 1 ? failed[0]!.replace(/^\S+ down: /, 'down: ') : failed.join('; '),
    metrics: [up(0)],
    details: { failed },
  };
}

function up(v: 0 | 1) {
  return { name: 'utxoracle_electrs_up', help: 'electrs answered (1) or not (0).', value: v };
}
