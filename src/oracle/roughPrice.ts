// Rough price (oracle.md §6): slide the stencils over the normalised histogram and find where the
// round-USD spikes line up best.

import { DataError } from '../errors.js';
import { BIN_COUNT, binEdges } from './binEdges.js';
import { STENCIL_WIDTH, smoothStencil, spikeStencil } from './stencils.js';

/** Bin 601 holds 0.001 BTC; the $100 spike is lined up against it. */
const CENTER_P001 = 601;
/** First histogram bin under the stencil at slide 0: 601 - int((803 + 1) / 2). */
const LEFT_P001 = CENTER_P001 - Math.trunc((STENCIL_WIDTH + 1) / 2);
/** Slides -141 ($500k) .. 200 ($5k) inclusive: 342 of them. */
export const MIN_SLIDE = -141;
export const MAX_SLIDE = 200;
const SLIDE_COUNT = MAX_SLIDE - MIN_SLIDE + 1;
/** The smooth part only scores slides below this one (prices above ~$5.6k)... */
const SMOOTH_SLIDE_LIMIT = 150;
/** ...with this weight. */
const SMOOTH_WEIGHT = 0.65;

export interface RoughPrice {
  /** trunc of the weighted mix of the best slide's price and its neighbour's: whole dollars. */
  price: number;
  bestSlide: number;
  bestScore: number;
  neighbour: 1 | -1;
  neighbourScore: number;
  averageScore: number;
}

/** sum(hist[199 + slide + n] * stencil[n]) for n in 0..802, added in n order. */
function dot(hist: Float64Array, slide: number, stencil: Float64Array): number {
  const start = LEFT_P001 + slide;
  let s = 0.0;
  for (let n = 0; n < STENCIL_WIDTH; n++) s += hist[start + n]! * stencil[n]!;
  return s;
}

export function roughPrice(hist: Float64Array): RoughPrice {
  if (hist.length !== BIN_COUNT) throw new DataError(`histogram must have ${BIN_COUNT} bins, got ${hist.length}`);
  const spike = spikeStencil();
  const smooth = smoothStencil();
  // The reference starts from slide 0 with score 0 and keeps the FIRST strictly greater score.
  let bestSlide = 0;
  let bestScore = 0;
  let total = 0;
  for (let slide = MIN_SLIDE; slide <= MAX_SLIDE; slide++) {
    const smoothScore = dot(hist, slide, smooth);
    let score = dot(hist, slide, spike);
    if (slide < SMOOTH_SLIDE_LIMIT) score = score + smoothScore * SMOOTH_WEIGHT;
    if (score > bestScore) {
      bestScore = score;
      bestSlide = slide;
    }
    total += score;
  }
  const edges = binEdges();
  const best = 100 / edges[CENTER_P001 + bestSlide]!;
  // Neighbours are scored on the spike stencil alone; +1 unless -1 is strictly better.
  const up = dot(hist, bestSlide + 1, spike);
  const down = dot(hist, bestSlide - 1, spike);
  const neighbour: 1 | -1 = down > up ? -1 : 1;
  const neighbourScore = neighbour === -1 ? down : up;
  const second = 100 / edges[CENTER_P001 + bestSlide + neighbour]!;
  const averageScore = total / SLIDE_COUNT;
  const a1 = bestScore - averageScore;
  const a2 = Math.abs(neighbourScore - averageScore);
  if (!(a1 + a2 !== 0) || !Number.isFinite(a1 + a2)) {
    throw new DataError(
      'histogram gives no rough price: every stencil position scores the same (too few outputs in the price range)',
    );
  }
  const w1 = a1 / (a1 + a2);
  const w2 = a2 / (a1 + a2);
  const price = Math.trunc(w1 * best + w2 * second);
  if (!(price > 0)) throw new DataError(`rough price came out as ${price}: the histogram has too little data`);
  return { price, bestSlide, bestScore, neighbour, neighbourScore, averageScore };
}
