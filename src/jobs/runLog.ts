import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import { withPriceDb } from '../store/databases.js';

export interface RunRecord {
  runId: string;
  job: string;
  startedAt: Date;
  finishedAt: Date;
  status: 'ok' | 'degraded' | 'failed' | 'locked' | 'usage';
  exitCode: number;
  message: string;
}

/** One job_runs row per run; health-check reads them. Best effort: a busy database must not fail the job. */
export async function recordRun(settings: Readonly<Settings>, rec: RunRecord, log: Logger): Promise<void> {
  try {
    await withPriceDb(
      settings,
      async (conn) => {
        await conn.run(
          `INSERT OR REPLACE INTO job_runs (run_id, job, started_at, finished_at, status, exit_code, duration_ms, message)
           VALUES ($1, $2, $3::TIMESTAMP, $4::TIMESTAMP, $5, $6, $7, $8)`,
          [
            rec.runId,
            rec.job,
            rec.startedAt.toISOString(),
            rec.finishedAt.toISOString(),
            rec.status,
            rec.exitCode,
            rec.finishedAt.getTime() - rec.startedAt.getTime(),
            rec.message.slice(0, 2000),
          ],
        );
      },
      { logger: log, retries: 8 },
    );
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not record the run in job_runs');
  }
}
