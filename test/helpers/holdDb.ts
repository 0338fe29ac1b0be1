import { execa, type ResultPromise } from 'execa';
import { REPO_ROOT } from './shared.js';

/**
 * Starts a separate process that opens a DuckDB file for writing and holds it for `ms`
 * (DuckDB's lock is per process, so only another process can show the conflict).
 * Resolves once the file is held. (The child is wrapped: returning the thenable itself from an
 * async function would wait for the child to exit.)
 */
export async function holdDatabase(dbPath: string, ms: number): Promise<{ child: ResultPromise }> {
  const child = execa(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api';
       const i = await DuckDBInstance.create(${JSON.stringify(dbPath)});
       const c = await i.connect();
       console.log('held');
       setTimeout(() => { c.closeSync(); i.closeSync(); }, ${ms});`,
    ],
    { cwd: REPO_ROOT, reject: false },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', () => reject(new Error('holder exited early')));
  });
  return { child };
}
