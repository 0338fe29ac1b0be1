// Whether whale-watch can hear anything, as the heartbeat records it: connected to mempool's WebSocket
// since when, or disconnected since when (from the start when it never connected), and when the last
// `mempool-transactions` delta came (a v2.x backend, or one that stopped sending, leaves a connection
// open and silent). health-check grades these (checks/whale.ts), so a deaf whale-watch is never "OK".
import type { StreamEvent } from '../sources/mempool/stream.js';

export class Liveness {
  connectedSince: Date | null = null;
  disconnectedSince: Date | null;
  lastDeltaAt: Date | null = null;

  constructor(
    private readonly now: () => number,
    startedAt: Date,
  ) {
    this.disconnectedSince = startedAt;
  }

  /** Follows one stream event. */
  see(ev: StreamEvent): void {
    const at = new Date(this.now());
    if (ev.type === 'connected') {
      this.connectedSince = at;
      this.disconnectedSince = null;
    } else if (ev.type === 'disconnected') {
      if (this.connectedSince !== null || this.disconnectedSince === null) this.disconnectedSince = at;
      this.connectedSince = null;
    } else if (ev.type === 'transactions') this.lastDeltaAt = at;
  }
}
