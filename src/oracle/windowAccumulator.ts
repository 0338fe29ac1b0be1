// A window's blocks, fed in height order, and the outputs that pass the same-day rule (oracle.md
// §2). A block comes either whole (a summary, perhaps with funding heights that do not reach back
// to the window's start: it is "pending" and resolved here) or as just its amounts with funding
// heights that already cover the window (a cached block: nothing to index). See funding.ts.

import { DataError } from '../errors.js';
import { amountsOf, resolveFunding, unresolved, type BlockAmounts, type Funding, type WindowTxids } from './funding.js';
import type { BlockSummary, WindowOutputs } from './outputs.js';

interface Entry extends WindowTxids {
  amounts: BlockAmounts;
}

export class WindowAccumulator {
  private readonly blocks: Entry[] = [];
  private pending: { position: number; summary: BlockSummary }[] = [];
  private readonly newlyResolved: { summary: BlockSummary; funding: Funding }[] = [];
  private last: { height: number; time: number } | undefined;
  first: { height: number; time: number } | undefined;

  /** A window is consecutive blocks; `windowOutputs` on hand-picked blocks may turn the check off. */
  constructor(private readonly requireConsecutive = true) {}

  /** The most recent block added. */
  get lastBlock(): { height: number; time: number } | undefined {
    return this.last;
  }

  private push(height: number, time: number, entry: Entry): number {
    if (this.requireConsecutive && this.last && height !== this.last.height + 1) {
      throw new DataError(`blocks must be consecutive: height ${height} follows ${this.last.height}`);
    }
    // Funding heights order the window by height (funding.ts), so even hand-picked blocks ascend.
    if (this.last && height <= this.last.height) throw new DataError(`blocks must ascend: height ${height} follows ${this.last.height}`);
    this.first ??= { height, time };
    this.last = { height, time };
    return this.blocks.push(entry) - 1;
  }

  /** Whether funding resolved from `resolvedFrom` serves this window (see funding.ts). */
  covers(resolvedFrom: number, height: number): boolean {
    return resolvedFrom <= (this.first?.height ?? height);
  }

  /** A whole block; its cached funding is used if it covers the window, else it is resolved here. */
  add(summary: BlockSummary, funding?: Funding): void {
    const usable = funding && this.covers(funding.resolvedFrom, summary.height) ? funding : undefined;
    const position = this.push(summary.height, summary.time, {
      height: summary.height,
      amounts: amountsOf(summary, usable ?? unresolved(summary)),
      txids: () => summary.txids,
    });
    if (!usable) this.pending.push({ position, summary });
  }

  /** A block's amounts whose funding covers the window; `txids` loads its txids if a later block needs them. */
  addAmounts(amounts: BlockAmounts, txids: () => Uint8Array): void {
    if (!this.covers(amounts.resolvedFrom, amounts.height)) {
      throw new DataError(`block ${amounts.height} is resolved from ${amounts.resolvedFrom}, after the window's start ${this.first?.height ?? amounts.height}`);
    }
    this.push(amounts.height, amounts.time, { height: amounts.height, amounts, txids });
  }

  private resolvePending(): void {
    if (this.pending.length === 0) return;
    const from = this.first!.height;
    const results = resolveFunding(this.blocks, this.pending);
    this.pending.forEach(({ position, summary }, i) => {
      const funding = { resolvedFrom: from, perCandidate: results[i]! };
      this.blocks[position]!.amounts = amountsOf(summary, funding);
      this.newlyResolved.push({ summary, funding });
    });
    this.pending = [];
  }

  /** Blocks whose funding this window worked out (after outputs()), for the caller to cache. */
  resolved(): readonly { summary: BlockSummary; funding: Funding }[] {
    return this.newlyResolved;
  }

  outputs(): WindowOutputs {
    this.resolvePending();
    const from = this.first?.height ?? 0;
    let kept = 0;
    let txCount = 0;
    for (const { amounts: b } of this.blocks) {
      txCount += b.txCount;
      for (let i = 0; i < b.fundedFrom.length; i++) if (b.fundedFrom[i]! < from) kept++;
    }
    const amounts = new Float64Array(kept);
    const heights = new Uint32Array(kept);
    const times = new Float64Array(kept);
    let k = 0;
    for (const { amounts: b } of this.blocks) {
      for (let i = 0; i < b.amounts.length; i++) {
        if (b.fundedFrom[i]! >= from) continue;
        amounts[k] = b.amounts[i]!;
        heights[k] = b.height;
        times[k++] = b.time;
      }
    }
    return { amounts, heights, times, txCount };
  }
}
