// `backup --restore latest`: the runbook's disaster recovery as one command. Each database that does
// not open (bytes that are not a DuckDB file, a damaged file) or is gone is restored from its newest
// backup that verifies; a database that opens is left alone, whatever its age. The broken file is
// moved aside (`<db>.corrupt-<time>`), never deleted. The fallback database is never restored: its
// rows are merged into the primary by every analyze run, so an old copy would bring back rows already
// merged (or archived since); a broken one is moved aside and analyze starts a new one. A missing .env
// comes back from the newest configuration copy (configCopy.ts).
import path from 'node:path';
import { DataError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { DatabasePaths } from '../store/databases.js';
import { restoreConfig } from './configCopy.js';
import { backupTargets, type DbTarget } from './names.js';
import { inspectLive, lockWriters, moveAside, restoreInto, type RestoreResult } from './restore.js';
import { newestGood, scanBackups } from './retention.js';
import { verifyBackupFile, type VerifyResult } from './verify.js';

export interface LatestStep {
  role: string;
  database: string;
  /** restored; left alone (it opens); moved aside (fallback); nothing to do (absent, no backup needed). */
  action: 'restored' | 'opens' | 'moved-aside' | 'absent';
  restore?: RestoreResult;
  movedTo?: string;
  why?: string;
}

export interface LatestResult {
  steps: LatestStep[];
  /** The configuration copy put back as the missing .env, if any. */
  configRestoredFrom: string | null;
  envFile: string | undefined;
  dryRun: boolean;
}

export async function restoreLatest(
  s: DatabasePaths & { readonly lockDir: string; readonly backupDir: string },
  envFile: string | undefined,
  log: Logger,
  dryRun: boolean,
): Promise<LatestResult> {
  const targets = backupTargets(s);
  const locks = lockWriters(s.lockDir, targets);
  try {
    const steps: LatestStep[] = [];
    const backups = scanBackups(s.backupDir);
    for (const t of targets) {
      const live = await inspectLive(t.path);
      if (live.kind === 'ok') {
        steps.push({ role: t.role, database: t.path, action: 'opens' });
        continue;
      }
      if (t.role === 'fallback') {
        if (live.kind === 'broken')
          steps.push({
            role: t.role,
            database: t.path,
            action: 'moved-aside',
            movedTo: dryRun ? undefined : moveAside(t.path),
            why: live.why,
          });
        else steps.push({ role: t.role, database: t.path, action: 'absent' });
        continue;
      }
      const chosen = await newestVerified(backups, t, s.backupDir);
      if (!chosen) {
        // Nothing to restore from. An absent optional database is simply not there yet (init-db).
        if (live.kind === 'missing' && !t.required) {
          steps.push({ role: t.role, database: t.path, action: 'absent' });
          continue;
        }
        throw new DataError(
          `${t.path} ${live.kind === 'missing' ? 'is missing' : `does not open (${live.why})`} and ${s.backupDir} ` +
            `holds no ${t.role} backup that verifies: nothing to restore from; the file is left as it is`,
        );
      }
      const restore = await restoreInto(chosen.file, chosen.v, t, live, log, dryRun);
      steps.push({
        role: t.role,
        database: t.path,
        action: 'restored',
        restore,
        ...(live.kind === 'broken' ? { why: live.why } : {}),
      });
    }
    const configRestoredFrom = envFile ? (restoreConfig(envFile, s.backupDir, dryRun) ?? null) : null;
    return { steps, configRestoredFrom, envFile, dryRun };
  } finally {
    for (const l of locks.reverse()) l.release();
  }
}

async function newestVerified(
  backups: ReturnType<typeof scanBackups>,
  t: DbTarget,
  dir: string,
): Promise<{ file: string; v: VerifyResult } | undefined> {
  let found: { file: string; v: VerifyResult } | undefined;
  await newestGood(backups, t.role, async (b) => {
    const file = path.join(dir, b.file);
    const v = await verifyBackupFile(file);
    if (v.ok && v.manifest) found = { file, v };
    return found !== undefined;
  });
  return found;
}
