// Changes to the fake mempool and the WebSocket pushes they cause, as the mempool backend makes them:
//
//  - a mempool update (mempool.ts `$updateMempool`, then websocket-handler.ts `$handleMempoolChange`):
//    the transactions that left Bitcoin Core's mempool are deleted from the cache, the new ones
//    added; the deletions join `recentlyDeleted` (the last 10 updates'); new transactions are
//    matched against all ten (rbf.ts); one message goes out with `mempool-blocks` and the delta
//    {sequence, added, removed: this update's deletions only, mined: [], replaced: [{replaced, by}]}.
//    An update with no change sends nothing but still ages the 10-update window (`update()`).
//  - a block (blocks.ts `$updateBlocks` -> `$applyBlockTransactionsToMempool` -> websocket-handler.ts
//    `handleNewBlock`): one message with `block`, `mempool-blocks` and the delta {mined: every txid
//    of the block, replaced: mempool transactions conflicting with a mined one, `by` the mined
//    transaction with its confirmed status}; the conflicted ones stay in the cache and come as
//    `removed` in the next mempool update.
//  - `sequence` advances only while the backend is in sync (state.inSync); `skipSequence` burns
//    numbers without sending, so a client sees a jump.
import { type Json, fakeBlockHash, makeBlock } from './blocks.js';
import { findMinedRbfTransactions, findRbfTransactions } from './rbf.js';
import type { FakeMempoolState } from './state.js';
import { type FakeTx, makeCoinbase } from './txs.js';
import type { FakeMempoolWs } from './wsServer.js';

export interface MineOptions {
  /** Default tip + 1. */
  height?: number;
  /** Mempool transactions the block confirms; default every one in Core's mempool that `txs` does not conflict with. */
  txids?: string[];
  /** Transactions the block confirms that the mempool never had (e.g. a conflicting spend). */
  txs?: FakeTx[];
  /** A whole block object (e.g. a captured `block` with its height adjusted). */
  block?: Json;
}

/** mempool.ts truncates `recentlyDeleted` to this many updates. */
export const RECENTLY_DELETED_UPDATES = 10;

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

  private nextSequence(): number {
    if (this.state.inSync) this.state.sequence++;
    return this.state.sequence;
  }

  private delta(d: { added?: string; removed?: string[]; mined?: string[]; replaced?: string }): string {
    const seq = this.nextSequence();
    const removed = JSON.stringify(d.removed ?? []);
    const mined = JSON.stringify(d.mined ?? []);
    return `{"sequence": ${seq}, "added": ${d.added ?? '[]'}, "removed": ${removed}, "mined": ${mined}, "replaced": ${d.replaced ?? '[]'}}`;
  }

  /**
   * One mempool update: `add` entered Core's mempool, `remove` left it (evicted, expired, replaced).
   * Returns whether a message was sent (none when nothing changed).
   */
  update(o: { add?: FakeTx[]; remove?: string[] } = {}): boolean {
    const { state } = this;
    const deleted: FakeTx[] = [];
    for (const id of [...state.conflicted, ...(o.remove ?? [])]) {
      const tx = state.mempool.get(id);
      if (!tx) continue;
      deleted.push(tx);
      state.mempool.delete(id);
    }
    state.conflicted.clear();
    const added: FakeTx[] = [];
    for (const tx of o.add ?? []) {
      if (state.mempool.has(tx.txid)) continue;
      state.mempool.set(tx.txid, tx);
      state.noteFunding(tx);
      added.push(tx);
    }
    state.recentlyDeleted.unshift(deleted);
    state.recentlyDeleted.length = Math.min(state.recentlyDeleted.length, RECENTLY_DELETED_UPDATES);
    if (added.length === 0 && deleted.length === 0) return false;
    const replaced: string[] = [];
    for (const m of findRbfTransactions(added, state.recentlyDeleted.flat())) {
      const by = JSON.stringify(state.wire(m.by));
      for (const r of m.replaced) replaced.push(`{"replaced": ${JSON.stringify(r.txid)}, "by": ${by}}`);
    }
    this.ws.broadcast({
      mempoolBlocks: this.projected(),
      delta: this.delta({
        added: JSON.stringify(added.map((t) => state.wire(t))),
        removed: deleted.map((t) => t.txid),
        replaced: `[${replaced.join(', ')}]`,
      }),
    });
    return true;
  }

  addTxs(txs: FakeTx[]): void {
    this.update({ add: txs });
  }

  /**
   * Throughput path: the caller serialized the `added` array once (already in wire form); nothing
   * is stored, so memory stays flat however many transactions a bench pushes.
   */
  addSerialized(addedJson: string): number {
    return this.ws.broadcast({ delta: this.delta({ added: addedJson }) });
  }

  /** Transactions that left Core's mempool without a block (evicted, expired, or replaced unseen). */
  removeTxs(txids: string[]): void {
    this.update({ remove: txids });
  }

  /**
   * RBF inside one update: Core replaced `replacedTxid` by `by`. `by` must spend one of its outpoints
   * (a transaction that does not is no replacement, and Core would keep both).
   */
  replace(replacedTxid: string, by: FakeTx): void {
    const old = this.state.mempool.get(replacedTxid);
    if (!old) throw new Error(`fake mempool: ${replacedTxid} is not in the mempool`);
    const spent = new Set(old.vin.map((v) => `${v.txid}:${v.vout}`));
    if (!by.vin.some((v) => spent.has(`${v.txid}:${v.vout}`)))
      throw new Error(`fake mempool: ${by.txid} spends none of ${replacedTxid}'s outpoints: not a replacement`);
    this.update({ add: [by], remove: [replacedTxid] });
  }

  mineBlock(o: MineOptions = {}): Json {
    const { state } = this;
    const height = o.height ?? state.tipHeight + 1;
    const extra = o.txs ?? [];
    const clashing = new Set(
      findMinedRbfTransactions(extra, state.mempool.values()).flatMap((m) => m.replaced.map((t) => t.txid)),
    );
    const ids = o.txids ?? [...state.mempool.keys()].filter((id) => !state.conflicted.has(id) && !clashing.has(id));
    const fromMempool = ids.map((id) => state.mempool.get(id)).filter((t): t is FakeTx => t !== undefined);
    const mined = [...fromMempool, ...extra];
    const coinbase = makeCoinbase(height);
    const block =
      o.block !== undefined
        ? { ...o.block, height }
        : makeBlock({ height, txCount: mined.length + 1, previousblockhash: this.tipHash() });
    const status = {
      confirmed: true as const,
      block_height: height,
      block_hash: typeof block.id === 'string' ? block.id : fakeBlockHash(height),
      block_time: typeof block.timestamp === 'number' ? block.timestamp : Math.floor(Date.now() / 1000),
    };
    // Conflicts are found against the mempool before the mined transactions leave it.
    const matches = findMinedRbfTransactions(mined, state.mempool.values());
    for (const tx of fromMempool) state.mempool.delete(tx.txid);
    for (const tx of [coinbase, ...mined]) {
      state.noteFunding(tx);
      state.confirmed.set(tx.txid, { tx, status });
    }
    const replaced: string[] = [];
    for (const m of matches) {
      const by = JSON.stringify(state.wire({ ...m.by, status }));
      for (const r of m.replaced) {
        state.conflicted.add(r.txid);
        replaced.push(`{"replaced": ${JSON.stringify(r.txid)}, "by": ${by}}`);
      }
    }
    state.advanceTip(block, height);
    this.ws.broadcast({
      block: JSON.stringify(block),
      mempoolBlocks: JSON.stringify(state.mempoolBlocks()),
      delta: this.delta({ mined: [coinbase.txid, ...mined.map((t) => t.txid)], replaced: `[${replaced.join(', ')}]` }),
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
