// Prometheus' own linter, when Debian's `prometheus` package (or any install) put it on PATH or
// PROMTOOL names it. Tests that need it say they are skipped otherwise.
import { spawnSync } from 'node:child_process';

export const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
export const hasPromtool = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' }).status === 0;
export const NO_PROMTOOL = `${PROMTOOL} not found (apt-get install prometheus): skipping the promtool check`;

/** `promtool check metrics` on the text: exit status and what it said (problems are printed, exit 3). */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
