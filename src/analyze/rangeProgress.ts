// Range mode's progress line on a terminal: days done, the rate, the time left, the last day. It is
// redrawn in place on stderr, and log lines (which go to stderr too) are printed above it, never
// over it: the line is cleared, the log line written, the line drawn again.

const CLEAR_LINE = '\r\x1b[K';
const WIDTH = 24;

export interface ProgressOptions {
  /** Where the text goes (stderr). */
  out: (text: string) => void;
  /** Milliseconds (a clock, so tests need not wait). */
  now?: () => number;
}

export class RangeProgress {
  private done = 0;
  private total = 0;
  private last = '';
  private started: number;
  private readonly now: () => number;
  private finished = false;

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** The work is known: `total` days to price, starting now. */
  start(total: number): void {
    this.total = total;
    this.started = this.now();
    this.draw();
  }

  /** One more day finished (priced or failed). */
  day(label: string): void {
    this.done++;
    this.last = label;
    this.draw();
  }

  /** A log line, printed above the progress line. */
  print(text: string): void {
    if (this.finished) return this.opts.out(text);
    this.opts.out(CLEAR_LINE + text + (text.endsWith('\n') ? '' : '\n') + this.line());
  }

  /** Leaves the last drawn line in place and moves below it. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.opts.out(CLEAR_LINE + this.line() + '\n');
  }

  private draw(): void {
    this.opts.out(CLEAR_LINE + this.line());
  }

  /** `[#######.................] 3/10 days, 2.4 days/min, 2m55s left (2025-05-28)` */
  line(): string {
    const { total } = this;
    const filled = total ? Math.round((this.done / total) * WIDTH) : WIDTH;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${this.done}/${total} days`;
    const minutes = (this.now() - this.started) / 60_000;
    if (this.done === 0 || minutes <= 0) return bar;
    const perMin = this.done / minutes;
    const left = (total - this.done) / perMin;
    return `${bar}, ${perMin >= 10 ? perMin.toFixed(0) : perMin.toFixed(1)} days/min, ${duration(left)} left${this.last ? ` (${this.last})` : ''}`;
  }
}

/** 0s, 45s, 2m05s, 3h07m. */
export function duration(minutes: number): string {
  const s = Math.max(0, Math.round(minutes * 60));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
