import fs from 'node:fs';

// Who holds a database file. DuckDB allows one writing process per file and takes a POSIX lock on
// it; when a job cannot open a database, the operator needs to know which process to close (often
// the runbook's own `duckdb` session left open). Linux lists every POSIX lock in /proc/locks as
// `<n>: POSIX ADVISORY WRITE <pid> <major>:<minor>:<inode> <start> <end>` (major and minor in hex),
// and /proc/<pid>/cmdline gives the holder's command line.

export interface LockHolder {
  pid: number;
  /** The command line, NUL separators as spaces, cut at 200 characters. */
  command: string;
}

/** Linux's split of a dev_t (glibc's gnu_dev_major / gnu_dev_minor), from Node's numeric st_dev. */
function majorMinor(dev: number): [number, number] {
  const big = BigInt(dev);
  const major = Number(((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn));
  const minor = Number((big & 0xffn) | ((big >> 12n) & ~0xffn));
  return [major, minor];
}

/**
 * Another process's command line goes into our logs and alerts: anything in it that looks like a
 * credential (`--password=…`, `-rpcpassword …`, `token=…`, `user:pw@` in a URL) is masked first.
 */
export function maskCommand(argv: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!.replace(/(\/\/)[^/@\s]*@/g, '$1***@');
    const m = /^(-{1,2}[\w.-]*(?:pass|secret|token|key|auth|cookie)[\w.-]*)(=.*)?$/i.exec(a);
    if (m) {
      out.push(m[2] !== undefined ? `${m[1]}=***` : m[1]!);
      if (m[2] === undefined && i + 1 < argv.length) {
        out.push('***');
        i++;
      }
    } else out.push(a.replace(/((?:pass(?:word)?|secret|token|key)\s*[=:]\s*)\S+/gi, '$1***'));
  }
  return out.join(' ');
}

function commandOf(pid: number): string {
  try {
    const argv = maskCommand(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').split('\0'));
    return argv.length > 200 ? `${argv.slice(0, 197)}...` : argv || '?';
  } catch {
    return '?';
  }
}

/** The processes (other than this one) holding a POSIX lock on `file`; empty when none or not Linux. */
export function lockHolders(file: string, locksText?: string): LockHolder[] {
  let st: fs.Stats;
  let text: string;
  try {
    st = fs.statSync(file);
    text = locksText ?? fs.readFileSync('/proc/locks', 'utf8');
  } catch {
    return [];
  }
  const [major, minor] = majorMinor(st.dev);
  const pids = new Set<number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // Blocked waiters are listed as "<n>: -> POSIX ..." and hold nothing; DuckDB's locks are POSIX ones.
    if (f[1] !== 'POSIX') continue;
    const pid = Number(f[4]);
    const id = /^([0-9a-f]+):([0-9a-f]+):(\d+)$/i.exec(f[5] ?? '');
    if (!id || !Number.isInteger(pid) || pid === process.pid) continue;
    if (parseInt(id[1]!, 16) === major && parseInt(id[2]!, 16) === minor && Number(id[3]) === st.ino) pids.add(pid);
  }
  return [...pids].map((pid) => ({ pid, command: commandOf(pid) }));
}

/** `pid 1234 (duckdb /var/lib/utxoracle/utxoracle_cache.db)`, or undefined when nobody is found. */
export function describeHolders(file: string): string | undefined {
  const holders = lockHolders(file);
  if (holders.length === 0) return undefined;
  return holders.map((h) => `pid ${h.pid} (${h.command})`).join(', ');
}
