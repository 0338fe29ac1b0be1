// Loads a job's compiled program (dist/, built by `npm ci` through the prepare script). A missing
// build, or an install this user cannot read (node_modules or dist made 0750 by another user's
// umask), would otherwise end in Node's stack trace: say it in one line instead, exit 1.
import os from 'node:os';
import path from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const home = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** Errors that mean the files are missing or unreadable, not that the program failed. */
const INSTALL_CODES = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'EACCES', 'EPERM', 'ENOENT', 'EISDIR']);

function whoami() {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

export async function load(job, entry) {
  try {
    await import(new URL(entry, import.meta.url).href);
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
    const what = String(err instanceof Error ? err.message : err).split('\n')[0];
    const line =
      INSTALL_CODES.has(code) || err instanceof SyntaxError
        ? `${job}: cannot load the program (${code ? `${code}: ` : ''}${what}); the install at ${home} is ` +
          `incomplete or not readable by ${whoami()}: run npm ci there as its owner, or scripts/install.sh, ` +
          'which makes it readable'
        : `${job}: failed while starting: ${what}`;
    process.stderr.write(`${line}\n`);
    process.exitCode = 1;
  }
}
