// Money for people: "$105,000.11". The same text as toLocaleString('en-US', 2 decimals), without
// loading ICU's number formatting (~13 ms of a cron run that prints one price).

/** "1234567" -> "1,234,567" (digits only). */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Two decimals, ties away from zero (what toFixed and Intl's default both do for a double). */
export function formatUsd(n: number): string {
  if (!Number.isFinite(n)) return `$${n}`;
  const fixed = Math.abs(n).toFixed(2);
  const [int, frac] = fixed.split('.') as [string, string];
  return `${n < 0 && fixed !== '0.00' ? '-' : ''}$${groupThousands(int)}.${frac}`;
}

/** Whole dollars, truncated toward zero: "$105,000". */
export function formatWholeUsd(n: number): string {
  return `${n < 0 ? '-' : ''}$${groupThousands(String(Math.abs(Math.trunc(n))))}`;
}
