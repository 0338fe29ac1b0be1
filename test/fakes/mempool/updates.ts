// Changes to the fake mempool and the WebSocket pushes they cause, in mempool's manner: a mempool
// update sends `mempool-blocks` + a `mempool-transactions` delta (added/removed/replaced); a new block
// sends `block` + `mempool-blocks` + a delta with `mined`. Every announced update takes the next
// sequence number; `skipSequence` burns numbers without sending, to make a client see a gap.
import { type Json, makeBlock } from './blocks.js';
import type { FakeMempoolState } from './state.js';
import type { FakeTx } from './txs.js';
import type { FakeMempoolWs } from './wsServer.js';

export interface MineOptions {
  /** Default tip + 1. */
  height?: number;
  /** Transactions the block confirms; default every one in the mempool. */
  txids?: string[];
  /** A whole block object (e.g. a captured `block` with its height adjusted). */
  block?: Json;
}

export class FakeMempoolUpdates {
  /** Send `mempool-blocks` with each mempool update (as mempool does); off for cheap throughput runs. */
  withMempoolBlocks = true;

  constructor(
    private readonly state: FakeMempoolState,
    private readonly ws: FakeMempoolWs,
  ) {}

  private projected(): string | undefined {
    return this.withMempoolBlocks ? JSON.stringify(this.state.mempoolBlocks()) : undefined;
  }

  private delta(d: { added?: string; removed?: string[]; mined?: string[]; replaced?: string }): string {
    const seq = ++this.state.sequence;
    return `{"sequence": ${seq}, "added": ${d.added ?? '[]'}, "removed": ${JSON.stringify(d.removed ?? [])}, "mined": ${JSON.stringify(d.mined ?? [])}, "replaced": ${d.replaced ?? '[]'}}`;
  }

  addTxs(txs: FakeTx[]): void {
    for (const tx of txs) this.state.mempool.set(tx.txid, tx);
    this.ws.broadcast({ mempoolBlocks: this.projected(), delta: this.delta({ added: JSON.stringify(txs) }) });
  }

  /**
   * Throughput path: the caller serialized the `added` array once; nothing is stored, so memory
   * stays flat however many transactions a bench pushes.
   */
  addSerialized(addedJson: string): number {
    return this.ws.broadcast({ delta: this.delta({ added: addedJson }) });
  }

  /** Evicted or expired transactions (mempool's `removed`: gone without a block or a replacement). */
  removeTxs(txids: string[]): void {
    for (const id of txids) this.state.mempool.delete(id);
    this.ws.broadcast({ mempoolBlocks: this.projected(), delta: this.delta({ removed: txids }) });
  }

  /** RBF: `by` enters the mempool in `added` and `replaced` names what it replaced (whole `by` tx, as mempool). */
  replace(replacedTxid: string, by: FakeTx): void {
    this.state.mempool.delete(replacedTxid);
    this.state.mempool.set(by.txid, by);
    const replaced = `[{"replaced": ${JSON.stringify(replacedTxid)}, "by": ${JSON.stringify(by)}}]`;
    this.ws.broadcast({
      mempoolBlocks: this.projected(),
      delta: this.delta({ added: `[${JSON.stringify(by)}]`, replaced }),
    });
  }

  mineBlock(o: MineOptions = {}): Json {
    const txids = o.txids ?? [...this.state.mempool.keys()];
    for (const id of txids) this.state.mempool.delete(id);
    const height = o.height ?? this.state.tipHeight + 1;
    const block =
      o.block !== undefined
        ? { ...o.block, height }
        : makeBlock({ height, txCount: txids.length + 1, previousblockhash: this.tipHash() });
    this.state.advanceTip(block, height);
    this.ws.broadcast({
      block: JSON.stringify(block),
      mempoolBlocks: JSON.stringify(this.state.mempoolBlocks()),
      delta: this.delta({ mined: txids }),
    });
    return block;
  }

  /** Pushes `mempool-blocks` alone; `blocks` replaces the projection (undefined = back to computed). */
  sendMempoolBlocks(blocks?: Json[]): void {
    this.state.projectedOverride = blocks;
    this.ws.broadcast({ mempoolBlocks: JSON.stringify(this.state.mempoolBlocks()) });
  }

  /** Burns `count` sequence numbers: the next delta a client sees jumps by count+1. */
  skipSequence(count = 1): void {
    this.state.sequence += count;
  }

  private tipHash(): string | undefined {
    const last = this.state.blocks[this.state.blocks.length - 1];
    return typeof last?.id === 'string' ? last.id : undefined;
  }
}
