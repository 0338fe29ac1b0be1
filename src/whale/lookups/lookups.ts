// The lookups whale-watch has, tried in order: a question goes to the first that can serve it; one
// that does not know the transaction hands it to the next; one that fails (unreachable, 5xx, an
// endpoint missing, a wrong protocol) is skipped — said once in the log, with what is used instead —
// and tried again after a pause. So a stale ELECTRS_API_URL never blinds whale-watch while Core or
// an Electrum server answers.
import { systemClock, type Clock } from '../../lib/clock.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { MempoolTx, MempoolTxOut } from '../../sources/mempool/stream.js';
import type { LookupName, LookupStatus, TxLookup } from './types.js';

/** How long a failed lookup is skipped before it is tried again. */
export const LOOKUP_PAUSE_MS = 5 * 60_000;

export interface LookupHealth {
  name: LookupName;
  label: string;
  /** Up, or skipped (with why and until when). */
  up: boolean;
  failures: number;
  lastError: string | null;
}

/** What each job of whale-watch uses, in order (the lookups up at the time). */
export interface LookupPlan {
  spent_outputs: string[];
  listing: string[];
  status: string[];
}

export class WhaleLookups {
  private readonly down = new Map<TxLookup, { until: number; error: string }>();
  private readonly failures = new Map<TxLookup, number>();
  private readonly now: () => number;

  constructor(
    readonly all: readonly TxLookup[],
    private readonly o: { log: Logger; clock?: Pick<Clock, 'now'>; pauseMs?: number; isStopping?: () => boolean },
  ) {
    const clock = o.clock ?? systemClock;
    this.now = () => clock.now();
  }

  /** Asks each lookup whether it is there (at start); the ones that are not are skipped, said once each. */
  async probe(): Promise<void> {
    await Promise.all(
      this.all.map(async (l) => {
        try {
          await l.probe();
        } catch (err) {
          this.fail(l, err);
        }
      }),
    );
  }

  /** The lookups in order, with whether each is up (health-check and the heartbeat show it). */
  health(): LookupHealth[] {
    return this.all.map((l) => ({
      name: l.name,
      label: l.label,
      up: this.isUp(l),
      failures: this.failures.get(l) ?? 0,
      lastError: this.down.get(l)?.error ?? null,
    }));
  }

  /** Which lookups serve what, in the order they are asked (only those up). */
  plan(): LookupPlan {
    const names = (f: (l: TxLookup) => boolean) => this.all.filter((l) => f(l) && this.isUp(l)).map((l) => l.name);
    return {
      spent_outputs: names((l) => l.txWithPrevouts !== undefined || l.outputs !== undefined),
      listing: names((l) => l.listMempool !== undefined),
      status: names((l) => l.status !== undefined),
    };
  }

  /** The first lookup up that can list the mempool (the catch-up lists and fetches through it). */
  lister(): TxLookup | undefined {
    return this.all.find((l) => l.listMempool && l.fetchTxs && this.isUp(l));
  }

  /** Runs `fn` on `l`; a failure marks `l` down (said once) and is rethrown. */
  async through<T>(l: TxLookup, fn: () => Promise<T>): Promise<T> {
    try {
      const v = await fn();
      this.recover(l);
      return v;
    } catch (err) {
      this.fail(l, err);
      throw err;
    }
  }

  /** The transaction with its spent outputs, from the first lookup that fills them and knows it. */
  async txWithPrevouts(txid: string): Promise<MempoolTx | null> {
    return (
      (
        await this.ask(
          (l) => l.txWithPrevouts?.bind(l),
          (f) => f(txid),
        )
      )?.value ?? null
    );
  }

  /** Outputs of a transaction (spent by a whale), from the first lookup that knows it. */
  async outputs(txid: string, want: readonly number[]): Promise<Map<number, MempoolTxOut> | null> {
    return (
      (
        await this.ask(
          (l) => l.outputs?.bind(l),
          (f) => f(txid, want),
        )
      )?.value ?? null
    );
  }

  /** Where a transaction is, and which lookup said so; null when none can tell. */
  async status(txid: string): Promise<{ status: LookupStatus; source: LookupName } | null> {
    const r = await this.ask(
      (l) => l.status?.bind(l),
      (f) => f(txid),
    );
    return r && { status: r.value, source: r.source };
  }

  /** A mempool transaction's fee from a lookup that has one (Core), or null. */
  async mempoolFee(txid: string): Promise<number | null> {
    return (
      (
        await this.ask(
          (l) => l.mempoolFee?.bind(l),
          (f) => f(txid),
        )
      )?.value ?? null
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((l) => (l.close ? l.close().catch(() => undefined) : Promise.resolve())));
  }

  /** The first answer that is not null, from the lookups up that serve `pick`, in order. */
  private async ask<F, T>(
    pick: (l: TxLookup) => F | undefined,
    q: (f: F) => Promise<T | null>,
  ): Promise<{ value: T; source: LookupName } | null> {
    for (const l of this.all) {
      const f = pick(l);
      if (!f || !this.isUp(l)) continue;
      let value: T | null;
      try {
        value = await q(f);
        this.recover(l);
      } catch (err) {
        this.fail(l, err);
        continue;
      }
      if (value !== null) return { value, source: l.name };
    }
    return null;
  }

  private isUp(l: TxLookup): boolean {
    const d = this.down.get(l);
    return !d || this.now() >= d.until;
  }

  private fail(l: TxLookup, err: unknown): void {
    // A shutdown aborts what is under way: that says nothing about the lookup.
    if (this.o.isStopping?.()) return;
    this.failures.set(l, (this.failures.get(l) ?? 0) + 1);
    const error = describeError(err);
    const wasDown = this.down.has(l);
    this.down.set(l, { until: this.now() + (this.o.pauseMs ?? LOOKUP_PAUSE_MS), error });
    if (wasDown) return;
    const others = this.all.filter((x) => x !== l && this.isUp(x)).map((x) => x.name);
    this.o.log.warn(
      { lookup: l.name, url: l.label, err: error, retry_in_ms: this.o.pauseMs ?? LOOKUP_PAUSE_MS },
      `${l.name} (${l.label}) failed: ${error}; skipped for now` +
        (others.length ? `, using ${others.join(', ')}` : ', and no other lookup is up'),
    );
  }

  private recover(l: TxLookup): void {
    if (!this.down.has(l)) return;
    this.down.delete(l);
    this.o.log.info({ lookup: l.name, url: l.label }, `${l.name} (${l.label}) answers again`);
  }
}
