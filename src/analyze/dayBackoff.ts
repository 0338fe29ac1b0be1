// Finished days the cron run could not price, remembered so it does not try them again every ten
// minutes for ever (~0.2 s each against a slow node). Each failure is kept with its kind and the
// chain it was seen on (the tip then), and is tried again only when something that could change
// the answer has changed:
//
//   unserved     the node has no block the day's search needs (its chain does not reach back that
//                far, or the search went below height 0). More blocks on top never help; another
//                chain can (a different node, a resync).
//   pruned       the node pruned a block of the day's window ("(pruned data)"). Pruning only moves
//                forward as the tip grows; another chain, or re-downloading, can help.
//   unpriceable  the day's blocks are there but give no price (a malformed block, too few outputs):
//                the same blocks give the same answer; other blocks for the day can change it.
//   unfinished   the chain does not reach 6 blocks past the day yet: the next tip can.
//
// "The chain changed" means the tip the failure was seen on is no longer on the node's active
// chain (a reorg past it, a shorter chain, another node); "the tip changed" means the tip moved at
// all. Every kind is also tried again after a day, whatever happened (a node re-downloading its
// pruned blocks keeps its chain, for instance). Failures that may pass by themselves (the node
// unreachable, a reorg in the middle of the run, a cache entry damaged on disk) are not
// remembered: the next run simply tries again.
import fs from 'node:fs';
import path from 'node:path';
import { DataError, SourceError } from '../errors.js';
import { UnfinishedDateError, UnservedDateError } from '../oracle/window.js';
import { MalformedBlockError } from '../summary/summarizer.js';

export const FAILURE_KINDS = ['unserved', 'pruned', 'unpriceable', 'unfinished'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Retried after this long whatever the chain did. */
export const RETRY_AFTER_MS = 24 * 3600 * 1000;

export interface DayFailure {
  date: string;
  kind: FailureKind;
  error: string;
  /** Unix ms. */
  failedAt: number;
  /** The tip when it failed. */
  tip: { height: number; hash: string };
}

/** What the node's chain looks like now, to decide whether a failure may have gone away. */
export interface ChainNow {
  tip: { height: number; hash: string };
  /** The active chain's block hash at `height` (at or below the tip). */
  hashAt(height: number): Promise<string>;
  /** Unix ms. */
  now: number;
}

/**
 * Which remembered kind a day's failure is, or undefined for one that may pass by itself. `phase`
 * says where it happened: finding and loading the window, or pricing the loaded window.
 */
export function failureKind(err: unknown, phase: 'load' | 'price'): FailureKind | undefined {
  if (phase === 'price') return err instanceof DataError ? 'unpriceable' : undefined;
  if (err instanceof UnservedDateError) return 'unserved';
  if (err instanceof UnfinishedDateError) return 'unfinished';
  if (err instanceof MalformedBlockError) return 'unpriceable';
  // Core's words for a pruned block, over REST (404 "<hash> not available (pruned data)") and RPC
  // (getblock -1 "Block not available (pruned data)"): rest.cpp rest_block, rpc/blockchain.cpp.
  if (err instanceof SourceError && /\(pruned data\)/.test(err.message)) return 'pruned';
  return undefined;
}

/** Why a remembered failure is due for another try now, or undefined while it is not. */
export async function retryReason(f: DayFailure, chain: ChainNow): Promise<string | undefined> {
  if (chain.now - f.failedAt >= RETRY_AFTER_MS) return 'a day has passed';
  if (f.kind === 'unfinished' && (chain.tip.height !== f.tip.height || chain.tip.hash !== f.tip.hash))
    return 'the tip changed';
  if (f.tip.height > chain.tip.height || (await chain.hashAt(f.tip.height)) !== f.tip.hash) return 'the chain changed';
  return undefined;
}

/** When a remembered failure is tried again, in words. */
export function retryWhen(f: DayFailure): string {
  const after = new Date(f.failedAt + RETRY_AFTER_MS).toISOString();
  return f.kind === 'unfinished'
    ? `when the tip moves, or after ${after}`
    : `when the chain changes, or after ${after}`;
}

/** The remembered failures, in a small JSON file (written to a temp name and renamed). */
export class DayBackoff {
  private readonly days = new Map<string, DayFailure>();

  private constructor(
    readonly file: string,
    private readonly writable: boolean,
  ) {}

  /** Reads the file; a missing or unreadable one is an empty list (every day is simply tried). */
  static load(file: string, writable: boolean): DayBackoff {
    const b = new DayBackoff(file, writable);
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return b;
    }
    const list = (doc as { days?: unknown } | null)?.days;
    if (!Array.isArray(list)) return b;
    for (const d of list as Partial<DayFailure>[]) {
      const ok =
        typeof d.date === 'string' &&
        FAILURE_KINDS.includes(d.kind as FailureKind) &&
        typeof d.error === 'string' &&
        Number.isFinite(d.failedAt) &&
        Number.isSafeInteger(d.tip?.height) &&
        typeof d.tip?.hash === 'string';
      if (ok) b.days.set(d.date!, d as DayFailure);
    }
    return b;
  }

  get(date: string): DayFailure | undefined {
    return this.days.get(date);
  }

  record(f: DayFailure): void {
    this.days.set(f.date, f);
  }

  clear(date: string): void {
    this.days.delete(date);
  }

  /** Forgets days no longer asked about (older than the cron run's fill reaches). */
  keepOnly(dates: readonly string[]): void {
    const keep = new Set(dates);
    for (const d of this.days.keys()) if (!keep.has(d)) this.days.delete(d);
  }

  get size(): number {
    return this.days.size;
  }

  save(): void {
    if (!this.writable) return;
    if (this.days.size === 0) {
      fs.rmSync(this.file, { force: true });
      return;
    }
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o750 });
      fs.writeFileSync(tmp, JSON.stringify({ version: 1, days: [...this.days.values()] }, null, 1) + '\n', {
        mode: 0o640,
      });
      fs.renameSync(tmp, this.file);
    } catch (err) {
      fs.rmSync(tmp, { force: true }); // no half-written file left beside the real one
      throw err;
    }
  }
}
