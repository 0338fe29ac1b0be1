import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

const STAMP = path.join(REPO_ROOT, 'dist', '.build-stamp');

function newestSource(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * End-to-end tests run the real executables (bin/*.js -> dist/). Build before the suite whenever a
 * source is newer than the last build, so they never run stale code. Type errors are reported by
 * `npm run typecheck`, not here (tsc still emits).
 */
export default function setup(): void {
  if (process.env.UTXORACLE_SKIP_BUILD === '1') return;
  const newest = Math.max(
    ...['src', 'test/fakes', 'scripts', 'examples'].map((d) => newestSource(path.join(REPO_ROOT, d))),
  );
  const built = fs.existsSync(STAMP) ? fs.statSync(STAMP).mtimeMs : 0;
  if (built >= newest) return;
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'tsconfig.build.json')], { stdio: 'pipe' });
  } catch (err) {
    if ((err as { status?: number }).status === undefined) throw err;
  }
  fs.writeFileSync(STAMP, new Date().toISOString());
}
