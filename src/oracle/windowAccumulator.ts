// A window's blocks, fed in height order, and the outputs that pass the same-day rule (oracle.md
// §2). A block comes either whole (a summary, perhaps with funding heights that do not reach back
// to the window's start: it is "pending" and resolved here) or as just its amounts with funding
// heights that already cover the window (a cached block: nothing to index). See funding.ts.

import { DataError } from '../errors.js';
import { resolveFunding, type BlockAmounts, type Funding, type WindowTxids } from './funding.js';
import type { BlockSummary, WindowOutputs } from './outputs.js';
import { blockAmounts, decodeEntry, encodeSummary, writeFunding, type Entry } from './summaryCodec.js';

interface Block extends WindowTxids {
  amounts: BlockAmounts;
}

export class WindowAccumulator {
  private readonly blocks: Block[] = [];
  private pending: { position: number; entry: Entry }[] = [];
  private readonly newlyResolved: Entry[] = [];
  private last: { height: number; time: number } | undefined;
  first: { height: number; time: number } | undefined;

  /** A window is consecutive blocks; `windowOutputs` on hand-picked blocks may turn the check off. */
  constructor(private readonly requireConsecutive = true) {}

  /** The most recent block added. */
  get lastBlock(): { height: number; time: number } | undefined {
    return this.last;
  }

  private push(height: number, time: number, block: Block): number {
    if (this.requireConsecutive && this.last && height !== this.last.height + 1) {
      throw new DataError(`blocks must be consecutive: height ${height} follows ${this.last.height}`);
    }
    // Funding heights order the window by height (funding.ts), so even hand-picked blocks ascend.
    if (this.last && height <= this.last.height)
      throw new DataError(`blocks must ascend: height ${height} follows ${this.last.height}`);
    this.first ??= { height, time };
    this.last = { height, time };
    return this.blocks.push(block) - 1;
  }

  /** Whether funding resolved from `resolvedFrom` serves this window (see funding.ts). */
  covers(resolvedFrom: number, height: number): boolean {
    return resolvedFrom <= (this.first?.height ?? height);
  }

  /** A whole cache entry (see summaryCodec.ts); resolved here unless its funding covers the window. */
  addEntry(entry: Entry): void {
    const h = entry.header;
    const position = this.push(h.height, h.time, {
      height: h.height,
      amounts: blockAmounts(entry.header, entry.amounts, entry.fundedFrom),
      keys: () => entry.keys,
      txid: (j) => entry.txids.subarray(32 * j, 32 * j + 32),
    });
    if (!this.covers(h.resolvedFrom, h.height)) this.pending.push({ position, entry });
  }

  /** A block as objects (tests, tools): the same as its encoded entry. */
  add(summary: BlockSummary, funding?: Funding): void {
    this.addEntry(decodeEntry(encodeSummary(summary, funding)));
  }

  /** A block's amounts whose funding covers the window; `txids` reads its keys and txids if a later block needs them. */
  addAmounts(amounts: BlockAmounts, txids: Omit<WindowTxids, 'height'>): void {
    if (!this.covers(amounts.resolvedFrom, amounts.height)) {
      throw new DataError(
        `block ${amounts.height} is resolved from ${amounts.resolvedFrom}, after the window's start ${this.first?.height ?? amounts.height}`,
      );
    }
    this.push(amounts.height, amounts.time, {
      height: amounts.height,
      amounts,
      keys: () => txids.keys(),
      txid: (j) => txids.txid(j),
    });
  }

  private resolvePending(): void {
    if (this.pending.length === 0) return;
    const from = this.first!.height;
    const results = resolveFunding(this.blocks, this.pending);
    this.pending.forEach(({ position, entry }, i) => {
      this.blocks[position]!.amounts = writeFunding(entry, from, results[i]!);
      this.newlyResolved.push(entry);
    });
    this.pending = [];
  }

  /** Entries whose funding this window worked out (after outputs()), their bytes updated, for the caller to cache. */
  resolved(): readonly Entry[] {
    return this.newlyResolved;
  }

  outputs(): WindowOutputs {
    this.resolvePending();
    const from = this.first?.height ?? 0;
    let kept = 0;
    let txCount = 0;
    for (const { amounts: b } of this.blocks) {
      txCount += b.txCount;
      kept += countKept(b.fundedFrom, from);
    }
    const out = {
      amounts: new Float64Array(kept),
      heights: new Uint32Array(kept),
      times: new Float64Array(kept),
      txCount,
    };
    let k = 0;
    for (const { amounts: b } of this.blocks) k = copyKept(b, from, out, k);
    return out;
  }
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
function copyKept(b: BlockAmounts, from: number, out: Omit<WindowOutputs, 'txCount'>, k: number): number {
  const { amounts, fundedFrom, height, time } = b;
  for (let i = 0; i < amounts.length; i++) {
    if (fundedFrom[i]! >= from) continue;
    out.amounts[k] = amounts[i]!;
    out.heights[k] = height;
    out.times[k++] = time;
  }
  return k;
}
