// A window's blocks, fed in height order, and the outputs that pass the same-day rule (oracle.md
// §2). A block comes either as one whose funding heights already cover the window (add: nothing
// to index) or as one whose candidates' inputs are at hand (addResolvable): when its funding does
// not reach back to the window's start it is "pending" and resolved here (see funding.ts). The
// accumulator reads blocks only through the interfaces in summary/types.ts, so it neither knows
// nor cares whether a block came from memory or from the cache; what it works out is handed back
// (resolved()) for the caller to keep.

import { DataError } from '../errors.js';
import { memoryBlock } from '../summary/memoryBlock.js';
import type { BlockSummary, Funding, ResolvableBlock, WindowBlock } from '../summary/types.js';
import { resolveFunding, type Pending } from './funding.js';

/** The outputs a window's price is made from (oracle.md §2), in window order. */
export interface WindowOutputs {
  /** Amounts in BTC. */
  amounts: Float64Array;
  /** Height and time of each amount's block. */
  heights: Uint32Array;
  times: Float64Array;
  /** Transactions scanned in the window. */
  txCount: number;
}

/** A block's funding per amount, as the window reads it. */
interface Slot {
  block: WindowBlock;
  fundedFrom: Int32Array;
}

export class WindowAccumulator<R extends ResolvableBlock = ResolvableBlock> {
  private readonly blocks: Slot[] = [];
  private pending: (Pending & { block: R })[] = [];
  private readonly newlyResolved: { block: R; funding: Funding }[] = [];
  private last: { height: number; time: number } | undefined;
  first: { height: number; time: number } | undefined;

  /** A window is consecutive blocks; `windowOutputs` on hand-picked blocks may turn the check off. */
  constructor(private readonly requireConsecutive = true) {}

  /** The most recent block added. */
  get lastBlock(): { height: number; time: number } | undefined {
    return this.last;
  }

  private push(block: WindowBlock): number {
    const { height, time } = block;
    if (this.requireConsecutive && this.last && height !== this.last.height + 1) {
      throw new DataError(`blocks must be consecutive: height ${height} follows ${this.last.height}`);
    }
    // Funding heights order the window by height (funding.ts), so even hand-picked blocks ascend.
    if (this.last && height <= this.last.height)
      throw new DataError(`blocks must ascend: height ${height} follows ${this.last.height}`);
    this.first ??= { height, time };
    this.last = { height, time };
    return this.blocks.push({ block, fundedFrom: block.fundedFrom }) - 1;
  }

  /** Whether funding resolved from `resolvedFrom` serves this window (see funding.ts). */
  covers(resolvedFrom: number, height: number): boolean {
    return resolvedFrom <= (this.first?.height ?? height);
  }

  /** A block whose funding covers the window (else a DataError: it would need resolving). */
  add(block: WindowBlock): void {
    if (!this.covers(block.resolvedFrom, block.height)) {
      throw new DataError(
        `block ${block.height} is resolved from ${block.resolvedFrom}, after the window's start ${this.first?.height ?? block.height}`,
      );
    }
    this.push(block);
  }

  /** A block that can be resolved; it is, over this window, unless its funding already covers it. */
  addResolvable(block: R): void {
    const covered = this.covers(block.resolvedFrom, block.height);
    const position = this.push(block);
    if (!covered) this.pending.push({ position, block });
  }

  private resolvePending(): void {
    if (this.pending.length === 0) return;
    const resolvedFrom = this.first!.height;
    const results = resolveFunding(
      this.blocks.map((s) => s.block),
      this.pending,
    );
    this.pending.forEach(({ position, block }, i) => {
      const perCandidate = results[i]!;
      this.blocks[position]!.fundedFrom = perAmount(block, perCandidate);
      this.newlyResolved.push({ block, funding: { resolvedFrom, perCandidate } });
    });
    this.pending = [];
  }

  /** The blocks whose funding this window worked out (after outputs()), and that funding, for the caller to keep. */
  resolved(): readonly { block: R; funding: Funding }[] {
    return this.newlyResolved;
  }

  outputs(): WindowOutputs {
    this.resolvePending();
    const from = this.first?.height ?? 0;
    let kept = 0;
    let txCount = 0;
    for (const s of this.blocks) {
      txCount += s.block.txCount;
      kept += countKept(s.fundedFrom, from);
    }
    const out = {
      amounts: new Float64Array(kept),
      heights: new Uint32Array(kept),
      times: new Float64Array(kept),
      txCount,
    };
    let k = 0;
    for (const s of this.blocks) k = copyKept(s.block, s.fundedFrom, from, out, k);
    return out;
  }
}

/** Per-candidate funding heights spread over each candidate's amounts. */
function perAmount(block: ResolvableBlock, perCandidate: Int32Array): Int32Array {
  const out = new Int32Array(block.amounts.length);
  let a = 0;
  for (let c = 0; c < block.candidateCount; c++)
    for (let k = 0; k < block.amountCounts[c]!; k++) out[a++] = perCandidate[c]!;
  return out;
}

// The per-amount loops live in small functions of their own: V8 optimises a function called 144
// times (once per block) far sooner than a long loop inside a function that runs once.

/** How many amounts are not same-day spends in a window starting at `from`. */
function countKept(fundedFrom: Int32Array, from: number): number {
  let n = 0;
  for (let i = 0; i < fundedFrom.length; i++) if (fundedFrom[i]! < from) n++;
  return n;
}

/** Appends the block's kept amounts at `k`; returns the next free index. */
function copyKept(
  b: WindowBlock,
  fundedFrom: Int32Array,
  from: number,
  out: Omit<WindowOutputs, 'txCount'>,
  k: number,
): number {
  const { amounts, height, time } = b;
  for (let i = 0; i < amounts.length; i++) {
    if (fundedFrom[i]! >= from) continue;
    out.amounts[k] = amounts[i]!;
    out.heights[k] = height;
    out.times[k++] = time;
  }
  return k;
}

/**
 * The same-day rule over the given summaries at once, in the order given (computePrice also
 * insists the blocks are consecutive; this is for hand-picked blocks in tests and tools).
 */
export function windowOutputs(summaries: readonly BlockSummary[]): WindowOutputs {
  const acc = new WindowAccumulator(false);
  for (const s of summaries) acc.addResolvable(memoryBlock(s));
  return acc.outputs();
}
