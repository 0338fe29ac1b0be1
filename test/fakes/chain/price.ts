// Price paths for synthetic days, described by plain data so a fixture can name one exactly.

export interface PriceSpec {
  /** USD per BTC at the day's 00:00 UTC. */
  base: number;
  /** Relative change per day (0.02: +2% by the next midnight), linear in time. */
  driftPerDay?: number;
}

/** price(t) = base * (1 + drift * (t - dayStart) / 86400): a market that moves during the day. */
export function linearPrice(spec: PriceSpec, dayStart: number): (unixTime: number) => number {
  const drift = spec.driftPerDay ?? 0;
  if (!(spec.base > 0) || !Number.isFinite(drift)) throw new RangeError(`bad price spec ${JSON.stringify(spec)}`);
  return (t) => spec.base * (1 + (drift * (t - dayStart)) / 86_400);
}
