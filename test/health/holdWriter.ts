import { execa, type ResultPromise } from 'execa';
import { REPO_ROOT } from '../helpers/shared.js';

export interface Holder {
  /** Ends the holding process and waits for it. */
  release(): Promise<void>;
}

/**
 * Opens a DuckDB file for writing from another process and keeps it open (DuckDB's file lock is
 * per process, so only a second process shows the conflict health-check meets when analyze
 * writes). Resolves once the file is held. The child is wrapped in an object: an execa child is
 * a thenable, and returning it from an async function would wait for it to exit.
 */
export async function holdWriter(dbPath: string, maxMs = 30_000): Promise<Holder> {
  const child: ResultPromise = execa(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api';
       const i = await DuckDBInstance.create(${JSON.stringify(dbPath)});
       const c = await i.connect();
       process.stdout.write('held\\n');
       setTimeout(() => { c.closeSync(); i.closeSync(); }, ${maxMs});`,
    ],
    { cwd: REPO_ROOT, reject: false },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    void child.then((r) => reject(new Error(`holder exited early: ${r.stderr}`)));
  });
  return {
    async release() {
      child.kill('SIGTERM');
      await child;
    },
  };
}
