// Predicted confirmation height and its window.
//
//   predicted_height = tip + k + 1   (k = the projected block the fee rate joins; projection.ts)
//   window           = ±PREDICTION_WINDOW_BLOCKS around it
//
// A prediction is right when the transaction, or the replacement that superseded it, confirmed at a
// height h with |h - predicted_height| <= window. Two blocks either side absorb the usual noise: a
// block found in seconds, a burst of higher-fee arrivals, miners' own template choices. The window is
// stored per row (predicted_window) so a later change never rewrites how old rows are judged.
import type { ProjectedBlock } from '../sources/mempool/stream.js';
import { projectedIndex } from './projection.js';

export const PREDICTION_WINDOW_BLOCKS = 2;

export interface Prediction {
  predictedHeight: number;
  window: number;
}

/** Undefined without a known tip, or before the first `mempool-blocks` (we do not guess). */
export function predictHeight(
  rate: number | null,
  tip: number | undefined,
  blocks: readonly ProjectedBlock[] | undefined,
): Prediction | undefined {
  if (rate === null || !Number.isFinite(rate) || tip === undefined || blocks === undefined) return undefined;
  return { predictedHeight: tip + projectedIndex(rate, blocks) + 1, window: PREDICTION_WINDOW_BLOCKS };
}

export function withinWindow(confirmedHeight: number, predictedHeight: number, window: number): boolean {
  return Math.abs(confirmedHeight - predictedHeight) <= window;
}
