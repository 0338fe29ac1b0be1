import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { BlockSummary } from '../oracle/outputs.js';
import { decodeSummary, encodeSummary } from '../oracle/summaryCodec.js';

/**
 * Per-block cache of what the oracle needs from a block (its txids and the candidate outputs),
 * one file per block named `<height>-<hash>.uxs`. Keyed by hash as well as height, so a reorg
 * simply misses: the new block at that height has another hash, and the old file is removed
 * when the new one is written. Files are written to a temp name and renamed, so a killed run
 * never leaves a half-written entry behind under a real name.
 */
export class BlockCache {
  private hits = 0;
  private misses = 0;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
    /** Dry runs read the cache but never write it. */
    private readonly writable: boolean,
  ) {
    if (writable) fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
  }

  private file(height: number, hash: string): string {
    return path.join(this.dir, `${height}-${hash}.uxs`);
  }

  get(height: number, hash: string): BlockSummary | undefined {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.file(height, hash));
    } catch {
      this.misses++;
      return undefined;
    }
    try {
      const s = decodeSummary(bytes);
      if (s.height !== height || s.hash !== hash) throw new DataError(`cache entry names block ${s.height} ${s.hash}`);
      this.hits++;
      return s;
    } catch (err) {
      // A damaged entry is not an error for the run: drop it and fetch the block again.
      this.log.warn({ height, hash, err: (err as Error).message }, 'discarding a damaged block cache entry');
      if (this.writable) fs.rmSync(this.file(height, hash), { force: true });
      this.misses++;
      return undefined;
    }
  }

  /** Whether an entry exists (without reading it). */
  has(height: number, hash: string): boolean {
    return fs.existsSync(this.file(height, hash));
  }

  put(summary: BlockSummary, encoded: Uint8Array = encodeSummary(summary)): void {
    if (!this.writable) return;
    const target = this.file(summary.height, summary.hash);
    const tmp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, encoded, { mode: 0o640 });
    fs.renameSync(tmp, target);
    // Another block cached at this height was reorged out.
    for (const name of this.namesAt(summary.height)) {
      if (name !== path.basename(target)) fs.rmSync(path.join(this.dir, name), { force: true });
    }
  }

  private namesAt(height: number): string[] {
    const prefix = `${height}-`;
    return this.list().filter((n) => n.startsWith(prefix) && n.endsWith('.uxs'));
  }

  private list(): string[] {
    try {
      return fs.readdirSync(this.dir);
    } catch {
      return [];
    }
  }

  /** Removes entries below `minHeight` and temp files left by killed runs. */
  prune(minHeight: number): number {
    if (!this.writable) return 0;
    let removed = 0;
    for (const name of this.list()) {
      const height = Number(name.split('-', 1)[0]);
      const stale = name.includes('.tmp-') || (name.endsWith('.uxs') && Number.isInteger(height) && height < minHeight);
      if (stale) {
        fs.rmSync(path.join(this.dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  stats(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }
}
