import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../helpers/paths.js';

/**
 * Compiles just the backup and archive programs (and what they import) into dist/, as
 * `tsconfig.build.json` would, so the crash tests run the real bins (`node bin/backup.js`) as cron
 * does. Compiling two entry points is much faster than the whole project.
 */
export async function buildBins(): Promise<void> {
  await execa(
    path.join(REPO_ROOT, 'node_modules/.bin/tsc'),
    [
      'src/cli/backup.ts',
      'src/cli/archive.ts',
      '--outDir',
      'dist',
      '--rootDir',
      '.',
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--lib',
      'ES2023',
      '--types',
      'node',
      '--strict',
      '--skipLibCheck',
      '--esModuleInterop',
      '--sourceMap',
    ],
    { cwd: REPO_ROOT },
  );
}

export function binEnv(dataDir: string, crashAt?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    UTXORACLE_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    NODE_ENV: 'test',
    ...(crashAt ? { UTXORACLE_TEST_CRASH_AT: crashAt } : {}),
  };
}
