import { execa } from 'execa';
import { REPO_ROOT } from './paths.js';

export interface DbHolder {
  /** The holding process. */
  pid: number;
  /** Ends the holding process (if still running) and waits for it. */
  release(): Promise<void>;
  /** Resolves when the holder exits by itself after `ms`. */
  exited: Promise<unknown>;
}

/**
 * Opens a DuckDB file for writing from another process and keeps it open for `ms` (DuckDB's file
 * lock is per process, so only a second process shows the conflict a job meets when another one
 * writes). Resolves once the file is held. The child is wrapped in an object: an execa child is a
 * thenable, and returning it from an async function would wait for it to exit.
 */
export async function holdDatabase(dbPath: string, ms = 30_000): Promise<DbHolder> {
  const child = execa(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api';
       const i = await DuckDBInstance.create(${JSON.stringify(dbPath)});
       const c = await i.connect();
       process.stdout.write('held\\n');
       setTimeout(() => { c.closeSync(); i.closeSync(); }, ${ms});`,
    ],
    { cwd: REPO_ROOT, reject: false },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    void child.then((r) => reject(new Error(`holder exited early: ${r.stderr}`)));
  });
  const exited = child.then(() => undefined);
  return {
    pid: child.pid!,
    exited,
    async release() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
