// A strict reader for crontab.example (and the copy install.sh prints): Vixie/cronie syntax,
// plus the project's rules (known commands, logs appended to $LOG_DIR/<job>.log, the runbook's
// schedule). Stricter than cron on purpose: no names (jan, mon), no @daily, so a typo cannot
// slip through as "valid but different".

export const JOBS = ['analyze', 'init-db', 'health-check', 'archive', 'backup', 'whale-watch'] as const;

export interface CronJob {
  line: number;
  fields: string[];
  command: string;
  job: string;
  args: string[];
  flock: string | undefined;
}

export interface CronParse {
  vars: Map<string, string>;
  jobs: CronJob[];
  errors: string[];
}

// [min, max] of minute, hour, day of month, month, day of week (0 and 7 are Sunday).
const FIELDS: readonly [string, number, number][] = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7],
];

/** Errors of one time field ("" when valid): lists of `*`, `*\/n`, `a`, `a-b`, `a-b/n`. */
export function fieldError(value: string, index: number): string {
  const [name, lo, hi] = FIELDS[index]!;
  for (const item of value.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) return `${name} ${JSON.stringify(value)}: bad item ${JSON.stringify(item)}`;
    const from = m[2] === undefined ? lo : Number(m[2]);
    const to = m[3] === undefined ? (m[2] === undefined ? hi : from) : Number(m[3]);
    if (from < lo || to > hi || from > to) return `${name} ${JSON.stringify(value)}: out of range ${lo}-${hi}`;
    if (
      m[4] !== undefined &&
      (Number(m[4]) < 1 || Number(m[4]) > hi - lo + 1 || (m[2] !== undefined && m[3] === undefined))
    )
      return `${name} ${JSON.stringify(value)}: bad step`;
  }
  return '';
}

const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const VAR_USE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
// `>> "$LOG_DIR/<name>.log" 2>&1` at the very end: stdout and stderr appended, never truncated.
const REDIRECT = /\s+>>\s*("?)\$(?:\{LOG_DIR\}|LOG_DIR)\/([A-Za-z0-9_-]+)\.log\1\s+2>&1\s*$/;
const CD_HOME = /^cd\s+("?)\$(?:\{UTXORACLE_HOME\}|UTXORACLE_HOME)\1\s+&&\s+/;
const FLOCK = /^flock\s+-n\s+(\S+)\s+/;
const PROGRAM = /^(?:\.\/)?(?:bin\/([a-z-]+)\.js|scripts\/(health_check)\.sh)(?=\s|$)/;

export function parseCrontab(text: string): CronParse {
  const vars = new Map<string, string>();
  const jobs: CronJob[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.trim();
    const at = `line ${i + 1}`;
    if (line === '' || line.startsWith('#')) return;
    const assign = ASSIGN.exec(line);
    if (assign) {
      let value = assign[2]!.trim();
      if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
      // cron stores the value as written: "$HOME/x" would reach the jobs literally.
      if (/[$`~]/.test(value))
        errors.push(`${at}: ${assign[1]} value ${JSON.stringify(value)} relies on expansion, which cron does not do`);
      vars.set(assign[1]!, value);
      return;
    }
    const parts = line.split(/\s+/);
    if (parts.length < 6 || line.startsWith('@')) {
      errors.push(`${at}: not "five time fields and a command": ${JSON.stringify(line)}`);
      return;
    }
    const fields = parts.slice(0, 5);
    fields.forEach((f, k) => {
      const e = fieldError(f, k);
      if (e) errors.push(`${at}: ${e}`);
    });
    const command = line.replace(/^(\S+\s+){5}/, '');
    // An unescaped % ends the command and feeds the rest to stdin.
    if (/(^|[^\\])%/.test(command)) errors.push(`${at}: unescaped % in the command (cron turns it into a newline)`);
    for (const m of command.matchAll(VAR_USE)) {
      const name = m[1] ?? m[2]!;
      if (!vars.has(name)) errors.push(`${at}: $${name} is not defined above this line`);
    }
    const job = parseCommand(command, at, errors);
    if (job) jobs.push({ line: i + 1, fields, command, ...job });
  });
  for (const name of ['SHELL', 'PATH', 'UTXORACLE_HOME', 'UTXORACLE_DATA_DIR', 'LOG_DIR']) {
    if (!vars.has(name)) errors.push(`${name} is not set`);
  }
  for (const name of ['SHELL', 'UTXORACLE_HOME', 'UTXORACLE_DATA_DIR', 'LOG_DIR']) {
    const v = vars.get(name);
    if (v !== undefined && !v.startsWith('/'))
      errors.push(`${name} must be an absolute path, got ${JSON.stringify(v)}`);
  }
  for (const dir of (vars.get('PATH') ?? '').split(':')) {
    if (vars.has('PATH') && !dir.startsWith('/')) errors.push(`PATH entry ${JSON.stringify(dir)} is not absolute`);
  }
  return { vars, jobs, errors };
}

function parseCommand(
  command: string,
  at: string,
  errors: string[],
): Omit<CronJob, 'line' | 'fields' | 'command'> | undefined {
  const redirect = REDIRECT.exec(command);
  if (!redirect) {
    errors.push(`${at}: output is not appended to "$LOG_DIR/<job>.log" 2>&1`);
    return undefined;
  }
  let rest = command.slice(0, redirect.index);
  const cd = CD_HOME.exec(rest);
  if (!cd) {
    errors.push(`${at}: the command must start with cd "$UTXORACLE_HOME" && (the jobs read ./.env)`);
    return undefined;
  }
  rest = rest.slice(cd[0].length);
  const flock = FLOCK.exec(rest);
  if (flock) rest = rest.slice(flock[0].length);
  const prog = PROGRAM.exec(rest);
  const job = prog?.[1] ?? (prog?.[2] ? 'health-check' : undefined);
  if (!prog || !job || !(JOBS as readonly string[]).includes(job)) {
    errors.push(
      `${at}: unknown command ${JSON.stringify(rest.split(/\s+/)[0])} (expected ./bin/<job>.js or ./scripts/health_check.sh)`,
    );
    return undefined;
  }
  const args = rest.slice(prog[0].length).trim().split(/\s+/).filter(Boolean);
  if (args.some((a) => /[;|&<>]/.test(a)))
    errors.push(`${at}: one job per line: no pipes, lists or extra redirections`);
  if (redirect[2] !== job) errors.push(`${at}: ${job} logs to ${redirect[2]}.log; expected ${job}.log`);
  return { job, args, flock: flock?.[1]?.replace(/^"(.*)"$/, '$1') };
}

/** Milliseconds of a --duration value, parsed like the CLI does (55s, 1m, 500ms, bare seconds). */
export function durationMs(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v);
  if (!m) return NaN;
  return Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms'];
}

const single = (f: string | undefined, k: number) => f !== undefined && /^\d+$/.test(f) && fieldError(f, k) === '';

/** The runbook's schedule, one line per scheduled job; returns the differences. */
export function scheduleErrors(jobs: CronJob[]): string[] {
  const errors: string[] = [];
  const byJob = new Map<string, CronJob>();
  for (const j of jobs) {
    if (byJob.has(j.job)) errors.push(`line ${j.line}: ${j.job} is scheduled twice`);
    byJob.set(j.job, j);
  }
  const when = (j: CronJob) => j.fields.join(' ');
  const rules: [string, (j: CronJob) => string][] = [
    ['analyze', (j) => (when(j) === '*/10 * * * *' ? '' : `analyze must run */10 * * * *, got ${when(j)}`)],
    [
      'health-check',
      (j) =>
        !(single(j.fields[0], 0) && j.fields.slice(1).join(' ') === '* * * *')
          ? `health-check must run hourly (M * * * *), got ${when(j)}`
          : j.args.includes('--alert')
            ? ''
            : 'health-check must run with --alert',
    ],
    ['backup', (j) => (when(j) === '0 3 * * *' ? '' : `backup must run 0 3 * * *, got ${when(j)}`)],
    [
      'archive',
      (j) =>
        single(j.fields[0], 0) &&
        single(j.fields[1], 1) &&
        single(j.fields[2], 2) &&
        j.fields.slice(3).join(' ') === '* *'
          ? ''
          : `archive must run monthly (M H D * *), got ${when(j)}`,
    ],
    [
      'whale-watch',
      (j) => {
        if (when(j) !== '* * * * *') return `whale-watch must run every minute, got ${when(j)}`;
        // Its own O_EXCL lock is locks/whale-watch.lock; flock on that file would fight it.
        if (!j.flock || /whale-watch\.lock$/.test(j.flock))
          return 'whale-watch must run under flock -n with its own lock file';
        if (!/^(\/|\$\{?UTXORACLE_DATA_DIR\}?\/)/.test(j.flock))
          return `whale-watch's flock file must be an absolute path or under $UTXORACLE_DATA_DIR, got ${j.flock}`;
        // A long-running process: a bounded run would leave the stream unheard between two runs.
        return j.args.includes('--duration')
          ? 'whale-watch runs long under cron (flock -n starts it when it is gone): no --duration'
          : '';
      },
    ],
  ];
  for (const [job, rule] of rules) {
    const j = byJob.get(job);
    const e = j ? rule(j) : `${job} is not scheduled`;
    if (e) errors.push(e);
  }
  for (const j of jobs)
    if (j.flock && j.job !== 'whale-watch') errors.push(`line ${j.line}: only whale-watch runs under flock`);
  if (byJob.has('init-db')) errors.push('init-db is a one-off (install.sh runs it), not a cron job');
  return errors;
}

/** Every problem of a crontab, empty when it is the runbook's. */
export function validateCrontab(text: string): string[] {
  const p = parseCrontab(text);
  return [...p.errors, ...scheduleErrors(p.jobs)];
}
