import fs from 'node:fs';
import { grade, humanAge, humanBytes } from '../grade.js';
import type { PriceDbSnapshot, Read } from '../snapshot.js';
import { ageOutcome } from './age.js';
import { newestPriceGauges } from '../gauges.js';
import type { CheckOutcome, Threshold } from '../types.js';

const MIB = 1024 * 1024;

export interface DbSizeThresholds {
  dbSizeWarnMb: number;
  dbSizeCritMb: number;
}

/**
 * Size of the price database on disk: the file plus its write-ahead log, which DuckDB folds back
 * at checkpoint but which occupies the disk meanwhile. Needs no database handle, so it works
 * even while a writer holds the file.
 */
export async function checkDbSize(dbPath: string, t: DbSizeThresholds): Promise<CheckOutcome> {
  const threshold: Threshold = { op: '>', warn: t.dbSizeWarnMb * MIB, crit: t.dbSizeCritMb * MIB, unit: 'bytes' };
  let bytes: number;
  try {
    bytes = (await fs.promises.stat(dbPath)).size;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      state: 'CRIT',
      figure: null,
      unit: 'bytes',
      threshold,
      message: missing ? `${dbPath} does not exist (run init-db)` : (err as Error).message,
      metrics: [],
    };
  }
  const wal = await fs.promises.stat(`${dbPath}.wal`).then(
    (s) => s.size,
    () => 0,
  );
  const total = bytes + wal;
  return {
    state: grade(total, threshold),
    figure: total,
    unit: 'bytes',
    threshold,
    message: `size: ${humanBytes(total)}`,
    metrics: [{ name: 'utxoracle_db_size_bytes', help: 'Size of the price database file and its WAL.', value: total }],
    details: { path: dbPath, file_bytes: bytes, wal_bytes: wal },
  };
}

export interface PriceAgeThresholds {
  priceAgeWarnMin: number;
  priceAgeCritMin: number;
}

/** Age of the newest `prices` row: analyze writes one every 10 minutes. An empty table is CRIT. */
export function checkPriceAge(snap: Read<PriceDbSnapshot>, t: PriceAgeThresholds, nowSec: number): CheckOutcome {
  const threshold: Threshold = { op: '>', warn: t.priceAgeWarnMin * 60, crit: t.priceAgeCritMin * 60, unit: 's' };
  if (!snap.ok) return unread(snap, threshold, 's');
  const { newestPriceAt: at, newestPrice } = snap.value;
  const outcome = ageOutcome({
    at,
    nowSec,
    threshold,
    none: { state: 'CRIT', message: 'no price saved yet' },
    message: (age) => `newest price ${humanAge(age)} old, at ${new Date(at! * 1000).toISOString()}`,
    metric: { name: 'utxoracle_price_age_seconds', help: 'Age of the newest row of the prices table.' },
  });
  if (at !== null && newestPrice) outcome.metrics.push(...newestPriceGauges(newestPrice, at));
  return outcome;
}

export interface ValidityThresholds {
  invalidShareWarnPct: number;
  invalidShareCritPct: number;
}

/** Share of the last day's `prices` rows flagged invalid (low confidence, out of range, no exchange price). */
export function checkPriceValidity(snap: Read<PriceDbSnapshot>, t: ValidityThresholds): CheckOutcome {
  const threshold: Threshold = {
    op: '>',
    warn: t.invalidShareWarnPct / 100,
    crit: t.invalidShareCritPct / 100,
    unit: 'ratio',
  };
  if (!snap.ok) return unread(snap, threshold, 'ratio');
  const { lastDayRows: rows, lastDayInvalid: invalid, lastDayUnpriced: unpriced } = snap.value;
  // No rows: nothing to judge here; the price age check already reports the silence.
  if (rows === 0)
    return { state: 'OK', figure: null, unit: 'ratio', threshold, message: 'no prices in the last 24 h', metrics: [] };
  const share = invalid / rows;
  // Rows without an exchange price are the mempool check's business (down, or no price): they are
  // counted here only when the oracle's own confidence or range also fails them.
  const without = unpriced > 0 ? ` (${unpriced} without an exchange price)` : '';
  return {
    state: grade(share, threshold),
    figure: share,
    unit: 'ratio',
    threshold,
    message: `${invalid} of ${rows} prices invalid in the last 24 h, ${(share * 100).toFixed(1)}%${without}`,
    metrics: [
      {
        name: 'utxoracle_price_invalid_ratio',
        help: 'Share of the last 24 h of prices rows flagged invalid.',
        value: share,
      },
    ],
    details: { rows, invalid, without_exchange_price: unpriced },
  };
}

/** The outcome of a check whose database could not be read (busy: WARN; missing or broken: CRIT). */
export function unread(
  snap: { state: CheckOutcome['state']; message: string },
  threshold: Threshold | null,
  unit: string,
): CheckOutcome {
  return { state: snap.state, figure: null, unit, threshold, message: snap.message, metrics: [] };
}

export interface DivergenceThresholds {
  divergenceWarnPct: number;
  divergenceCritPct: number;
  divergenceRuns: number;
}

/**
 * How far the UTXOracle price has been from the exchange price: the mean of |diff_percent| over the
 * newest HEALTH_DIVERGENCE_RUNS rows that have an exchange price (the runbook calls ±1 % normal and
 * 5 % the most). The mean of absolute values, so swings either way do not cancel out.
 */
export function checkDivergence(snap: Read<PriceDbSnapshot>, t: DivergenceThresholds): CheckOutcome {
  const threshold: Threshold = { op: '>', warn: t.divergenceWarnPct, crit: t.divergenceCritPct, unit: '%' };
  if (!snap.ok) return unread(snap, threshold, '%');
  const diffs = snap.value.recentAbsDiffPct;
  if (diffs.length === 0)
    return {
      state: 'OK',
      figure: null,
      unit: '%',
      threshold,
      message: 'no row with an exchange price to compare with',
      metrics: [],
    };
  const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  const max = Math.max(...diffs);
  return {
    state: grade(mean, threshold),
    figure: mean,
    unit: '%',
    threshold,
    message: `${mean.toFixed(2)}% apart on average over the last ${diffs.length} runs (at most ${max.toFixed(2)}%)`,
    metrics: [
      {
        name: 'utxoracle_price_divergence_percent',
        help: 'Mean |diff_percent| of the newest prices rows with an exchange price (HEALTH_DIVERGENCE_RUNS).',
        value: mean,
      },
    ],
    details: { runs: diffs.length, max_percent: max },
  };
}
