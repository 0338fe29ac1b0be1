import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from './paths.js';

export const binPath = (job: string): string => path.join(REPO_ROOT, 'bin', `${job}.js`);

/** Runs a built job executable with a clean environment plus `env`; never throws on exit codes. */
export function runBin(
  job: string,
  args: string[],
  env: Record<string, string>,
  opts: { cwd?: string; timeout?: number } = {},
) {
  return execa(process.execPath, [binPath(job), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_FORMAT: 'json', ...env },
    extendEnv: false,
    reject: false,
    timeout: opts.timeout ?? 60_000,
    cwd: opts.cwd,
  });
}
