// The configuration kept beside the database backups: a lost .env (the runbook's "configuration
// files" worry) is one `backup --restore latest` away. Each backup run copies the .env the settings
// were read from to `<BACKUP_DIR>/utxoracle_env_<date>[-HHMMSS[-N]].env`, mode 0600 (it holds the RPC
// password and webhook secrets), written to a temp name, fsynced and checked byte for byte before it
// is named; the same retention as the databases prunes old copies, never the newest.
// BACKUP_CONFIG=false turns it off (a .env managed elsewhere, or secrets that must not sit in backups).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors.js';
import { fsyncDir, fsyncFile, publishNoClobber } from '../fs/durable.js';
import { backupNames, TMP_PREFIX } from './names.js';
import { retentionCutoff } from './retention.js';

export const CONFIG_STEM = 'utxoracle_env';
const CONFIG_RE = /^utxoracle_env_(\d{4}-\d{2}-\d{2})(?:-(\d{6})(?:-(\d{1,3}))?)?\.env$/;

export interface ConfigCopy {
  file: string;
  date: string;
  order: string;
}

/** Our config copies in `dir`, newest first (foreign files are never listed). */
export function scanConfigCopies(dir: string): ConfigCopy[] {
  if (!fs.existsSync(dir)) return [];
  const out: ConfigCopy[] = [];
  for (const file of fs.readdirSync(dir)) {
    const m = CONFIG_RE.exec(file);
    if (m) out.push({ file, date: m[1]!, order: `${m[1]}-${m[2] ?? '000000'}-${(m[3] ?? '0').padStart(3, '0')}` });
  }
  return out.sort((a, b) => (a.order < b.order ? 1 : a.order > b.order ? -1 : 0));
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Copies `envFile` into `backupDir`; returns the copy's path, or undefined for a dry run. */
export function copyConfig(envFile: string, backupDir: string, at: Date, dryRun: boolean): string | undefined {
  const bytes = fs.readFileSync(envFile);
  if (dryRun) return undefined;
  fs.mkdirSync(backupDir, { recursive: true, mode: 0o750 });
  const tmp = path.join(backupDir, `${TMP_PREFIX}${CONFIG_STEM}-${process.pid}-${randomBytes(4).toString('hex')}.env`);
  try {
    fs.writeFileSync(tmp, bytes, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600); // whatever the umask
    fsyncFile(tmp);
    if (sha(fs.readFileSync(tmp)) !== sha(bytes)) throw new StoreError(`copy of ${envFile} differs from it`, tmp);
    for (const name of backupNames(CONFIG_STEM, at).map((n) => n.replace(/\.db$/, '.env'))) {
      const final = path.join(backupDir, name);
      if (publishNoClobber(tmp, final)) return final;
    }
    throw new StoreError(`no free name for the configuration copy in ${backupDir}`, backupDir);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Copies older than `days`, except the newest (one copy always stays). */
export function staleConfigCopies(dir: string, now: Date, days: number): ConfigCopy[] {
  const cutoff = retentionCutoff(now, days);
  return scanConfigCopies(dir)
    .slice(1)
    .filter((c) => c.date < cutoff);
}

/**
 * Puts the newest copy back as `envFile` when it is missing (mode 0600). Never replaces a .env that
 * exists: the operator's current file wins. Returns the copy used, or undefined.
 */
export function restoreConfig(envFile: string, backupDir: string, dryRun: boolean): string | undefined {
  if (fs.existsSync(envFile)) return undefined;
  const newest = scanConfigCopies(backupDir)[0];
  if (!newest) return undefined;
  const from = path.join(backupDir, newest.file);
  if (dryRun) return from;
  const tmp = `${envFile}.restore-tmp-${process.pid}`;
  try {
    fs.copyFileSync(from, tmp);
    fs.chmodSync(tmp, 0o600);
    fsyncFile(tmp);
    fs.renameSync(tmp, envFile);
    fsyncDir(path.dirname(envFile));
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return from;
}
