// whale-watch's own memory (the whale guide: "Memory Usage: <500MB (alert at 400MB)"). Past
// WHALE_MEMORY_WARN_MB (MEMORY_THRESHOLD_MB) it says so, a few times an hour; past
// WHALE_MEMORY_MAX_MB (MEMORY_MAX_MB) it first lets go of what it can rebuild (the cache of spent
// outputs), and if a minute later it is still past the maximum it stops, flushing as on SIGTERM,
// so that cron starts it afresh (the catch-up at start finds what it missed).
import type { Logger } from '../log/logger.js';
import { LogBudget } from './logBudget.js';

export type MemoryVerdict = 'ok' | 'high' | 'shed' | 'restart';

export interface MemoryGuardOptions {
  warnMb: number;
  maxMb: number;
  log: Logger;
  /** Resident memory now, MB (process.memoryUsage().rss by default). */
  rssMb?: () => number;
  /** Frees what can be rebuilt; called once when the maximum is first passed. */
  shed: () => void;
}

export class MemoryGuard {
  private shedAlready = false;
  private readonly warnLog = new LogBudget(4, 3_600_000);
  readonly rssMb: () => number;

  constructor(private readonly o: MemoryGuardOptions) {
    this.rssMb = o.rssMb ?? (() => process.memoryUsage().rss / 2 ** 20);
  }

  check(): MemoryVerdict {
    const rss = this.rssMb();
    if (rss <= this.o.warnMb) {
      this.shedAlready = false;
      return 'ok';
    }
    const fields = { rss_mb: Math.round(rss), warn_mb: this.o.warnMb, max_mb: this.o.maxMb };
    if (rss <= this.o.maxMb) {
      const b = this.warnLog.take();
      if (b.log)
        this.o.log.warn({ ...fields, suppressed: b.suppressed }, 'whale-watch memory above WHALE_MEMORY_WARN_MB');
      return 'high';
    }
    if (!this.shedAlready) {
      this.shedAlready = true;
      this.o.shed();
      this.o.log.error(fields, 'whale-watch memory above WHALE_MEMORY_MAX_MB: caches cleared');
      return 'shed';
    }
    this.o.log.error(fields, 'whale-watch memory still above WHALE_MEMORY_MAX_MB: stopping so cron starts it afresh');
    return 'restart';
  }
}
