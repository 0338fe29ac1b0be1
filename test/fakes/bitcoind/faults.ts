// Faults a test can inject, each consumed one request at a time, in this order of precedence.

export interface Faults {
  /** Drop the connection without answering (the client sees ECONNRESET / "other side closed"). */
  resetCount?: number;
  /** Accept the request and never answer (until the client gives up or the fake closes). */
  timeoutCount?: number;
  /** Answer 503 "Work queue depth exceeded", as Core does when its RPC work queue is full. */
  status503Count?: number;
  /** Serve the bytes of the NEXT height's block for a block request (a node that reorged, or a bug). */
  wrongBlockCount?: number;
  /**
   * A proxy in front of the node (nginx, a load balancer) answering for it: 500, 502 Bad Gateway or
   * 504 Gateway Timeout with the proxy's own HTML page, never a JSON-RPC body.
   */
  proxy500Count?: number;
  proxy502Count?: number;
  proxy504Count?: number;
}

export type FaultAction = 'reset' | 'timeout' | '503' | 'proxy500' | 'proxy502' | 'proxy504' | undefined;

/**
 * A share of all requests failing at random (deterministic for a seed), each with one of `kinds`:
 * a busy node behind a flaky proxy.
 */
export interface RandomFaults {
  rate: number;
  kinds: Exclude<FaultAction, undefined | 'timeout'>[];
  seed?: number;
}

export class FaultState {
  private f: Required<Faults> = {
    resetCount: 0,
    timeoutCount: 0,
    status503Count: 0,
    wrongBlockCount: 0,
    proxy500Count: 0,
    proxy502Count: 0,
    proxy504Count: 0,
  };
  private random: (RandomFaults & { state: number }) | undefined;

  /** Fail a share of every later request at random (rate 0 turns it off). */
  injectRandom(r: RandomFaults): void {
    this.random = r.rate > 0 ? { ...r, state: r.seed ?? 1 } : undefined;
  }

  /** xorshift32: a fixed sequence per seed, so a test's failures repeat. */
  private roll(): number {
    const r = this.random!;
    r.state ^= r.state << 13;
    r.state ^= r.state >>> 17;
    r.state ^= r.state << 5;
    return (r.state >>> 0) / 2 ** 32;
  }

  inject(faults: Faults): void {
    for (const [k, v] of Object.entries(faults) as [keyof Faults, number | undefined][]) {
      if (v !== undefined) this.f[k] += v;
    }
  }

  /** The fault for the next request, if any (consumed). */
  next(): FaultAction {
    if (this.f.resetCount > 0) return (this.f.resetCount--, 'reset');
    if (this.f.timeoutCount > 0) return (this.f.timeoutCount--, 'timeout');
    if (this.f.status503Count > 0) return (this.f.status503Count--, '503');
    if (this.f.proxy500Count > 0) return (this.f.proxy500Count--, 'proxy500');
    if (this.f.proxy502Count > 0) return (this.f.proxy502Count--, 'proxy502');
    if (this.f.proxy504Count > 0) return (this.f.proxy504Count--, 'proxy504');
    if (this.random && this.roll() < this.random.rate)
      return this.random.kinds[Math.floor(this.roll() * this.random.kinds.length)];
    return undefined;
  }

  takeWrongBlock(): boolean {
    if (this.f.wrongBlockCount <= 0) return false;
    this.f.wrongBlockCount--;
    return true;
  }

  pending(): Required<Faults> {
    return { ...this.f };
  }
}
