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
}

export type FaultAction = 'reset' | 'timeout' | '503' | undefined;

export class FaultState {
  private f: Required<Faults> = { resetCount: 0, timeoutCount: 0, status503Count: 0, wrongBlockCount: 0 };

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
