/**
 * Test-only crash injection: `UTXORACLE_TEST_CRASH_AT=<point>` (or `<point>#<n>` for the n-th
 * time the point is reached) makes the process kill itself with SIGKILL there, so the tests can
 * prove that a crash anywhere leaves every row in exactly one place and never a bad file under a
 * good name.
 *
 * Honoured ONLY when NODE_ENV=test as well: an operator's stray variable can never crash a cron run.
 * SIGKILL (not exit) because that is what the OOM killer or a power cut looks like: no finally
 * blocks, no flushes, no lock release.
 */
const hits = new Map<string, number>();

export function crashPoint(name: string): void {
  if (process.env.NODE_ENV !== 'test') return;
  const want = process.env.UTXORACLE_TEST_CRASH_AT;
  if (!want) return;
  const [point, nth] = want.split('#');
  if (point !== name) return;
  const n = (hits.get(name) ?? 0) + 1;
  hits.set(name, n);
  if (n === Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
}
