// A long-running process must not fill the disk with one repeated line: an electrs outage would
// otherwise log a warning per whale per pass, forever. A budget lets `perWindow` lines through per
// window and counts the rest; the first line of the next window says how many were held back.
export class LogBudget {
  private windowStart = -Infinity;
  private used = 0;
  private held = 0;

  constructor(
    readonly perWindow: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether to log this line, and how many lines were suppressed since the last one logged. */
  take(): { log: boolean; suppressed: number } {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.windowStart = t;
      this.used = 0;
    }
    if (this.used >= this.perWindow) {
      this.held++;
      return { log: false, suppressed: 0 };
    }
    this.used++;
    const suppressed = this.held;
    this.held = 0;
    return { log: true, suppressed };
  }
}
