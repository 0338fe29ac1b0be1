// whale-watch's periodic tasks, each with a name: the runner lists what it does over time in one
// place, a task that is still running when its next turn comes is skipped (never two at once), and
// stop() ends them all and waits for the ones under way.
import type { Logger } from '../log/logger.js';

export interface PeriodicTask {
  /** Shown in the log when the task fails, and by `names()`. */
  name: string;
  everyMs: number;
  run(): unknown;
}

export class PeriodicTasks {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly busy = new Map<string, Promise<unknown>>();
  private stopped = false;

  constructor(private readonly log: Logger) {}

  /** Starts `task` (its first turn comes after `everyMs`). */
  add(task: PeriodicTask): void {
    if (this.stopped) return;
    if (this.timers.has(task.name)) throw new Error(`periodic task ${task.name} added twice`);
    this.timers.set(
      task.name,
      setInterval(() => void this.turn(task), task.everyMs),
    );
  }

  /** Runs `task` now, outside its schedule (a heartbeat at start, say), unless it is already running. */
  runNow(task: PeriodicTask): Promise<unknown> {
    return this.turn(task);
  }

  names(): string[] {
    return [...this.timers.keys()];
  }

  /** Clears every timer, then waits for the turns under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    await Promise.allSettled([...this.busy.values()]);
  }

  private turn(task: PeriodicTask): Promise<unknown> {
    const running = this.busy.get(task.name);
    if (running) return running;
    const p = Promise.resolve()
      .then(() => task.run())
      .catch((err: unknown) => this.log.warn({ task: task.name, err: (err as Error).message }, `${task.name} failed`))
      .finally(() => this.busy.delete(task.name));
    this.busy.set(task.name, p);
    return p;
  }
}
