// How far to trust one UTXOracle price: a number in [0, 1].
//
//   confidence = volume * tightness
//
//   volume    = n / (n + 1000)        n = intraday points within rough ± 5% (pointsInWindow).
//                                     100 points -> 0.09, 1,000 -> 0.5, 10,000 -> 0.91. A day of
//                                     blocks usually gives thousands; a thin window gives few, and
//                                     the central point of few points is easily pulled off.
//   tightness = clamp((0.25 - devPct) / (0.25 - 0.10), 0, 1)
//                                     devPct = MAD of the points within price ± 10%, over that
//                                     window's width (0.2 * price). Points spread uniformly over
//                                     the window (no price signal at all) give devPct = 0.25 ->
//                                     0; a sharp cluster (devPct <= 0.10) -> 1. Normal days sit
//                                     around 0.13-0.17 (the reference's chart scales its y-axis
//                                     over 0.17..0.20).
//
// Both factors are monotonic, so more points or a tighter cluster never lowers the confidence.
// Any non-finite or negative input gives 0, never NaN. Compared with
// UTXORACLE_CONFIDENCE_THRESHOLD (default 0.3) to set `is_valid`.

/** Points at which the volume factor is one half. */
const HALF_VOLUME_POINTS = 1000;
/** devPct of points spread evenly over price ± 10%: no signal. */
const NO_SIGNAL_DEV_PCT = 0.25;
/** devPct at or below which the cluster counts as perfectly tight. */
const TIGHT_DEV_PCT = 0.1;

export function confidence(pointsInWindow: number, devPct: number): number {
  if (!Number.isFinite(pointsInWindow) || !Number.isFinite(devPct) || pointsInWindow <= 0 || devPct < 0) return 0;
  const volume = pointsInWindow / (pointsInWindow + HALF_VOLUME_POINTS);
  const tightness = Math.min(1, Math.max(0, (NO_SIGNAL_DEV_PCT - devPct) / (NO_SIGNAL_DEV_PCT - TIGHT_DEV_PCT)));
  return Math.min(1, Math.max(0, volume * tightness));
}
