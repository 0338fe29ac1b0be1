import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { decodeAmounts, decodeEntry, keysOf, sectionsOf, withFunding, type Entry } from './codec.js';
import { HEADER_BYTES, decodeHeader, isOtherVersion, type Header } from './entryHeader.js';
import type { BlockTxids, Funding, WindowBlock } from './types.js';

/**
 * Per-block cache of what the oracle needs from a block (its txids, the candidate outputs and their
 * funding heights), one file per block named `<height>-<hash>.uxs` (layout in codec.ts). Keyed by hash as well as height, so a reorg
 * simply misses: the new block at that height has another hash, and the old file is removed
 * when the new one is written. Files are written to a temp name and renamed, so a killed run
 * never leaves a half-written entry behind under a real name.
 */
export class BlockCache {
  private hits = 0;
  private misses = 0;
  private readonly readers = new Set<number>();
  /** Entries of an older format met this run. */
  private stale = 0;

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

  /** Reads `length` bytes at `position` into a fresh buffer (8-aligned, so amounts are views, not copies). */
  private static readAt(fd: number, position: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, out, done, length - done, position + done);
      if (n === 0) throw new DataError(`block summary truncated reading ${length} bytes at ${position}`);
      done += n;
    }
    return out;
  }

  /**
   * Opens an entry and checks its header against the block asked for and the file's size; what
   * `read` returns from it is the result. A missing entry is undefined; a damaged one is dropped
   * (the block is fetched again) and undefined too.
   */
  private withEntry<T>(
    height: number,
    hash: string,
    read: (fd: number, header: ReturnType<typeof decodeHeader>) => T,
  ): T | undefined {
    const file = this.file(height, hash);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      this.misses++;
      return undefined;
    }
    try {
      const size = fs.fstatSync(fd).size;
      const head = BlockCache.readAt(fd, 0, Math.min(HEADER_BYTES, size));
      if (isOtherVersion(head)) {
        // Another format or other candidate rules: not damage, just to be summarised again (once
        // per block after an upgrade; said once per run).
        if (this.writable) fs.rmSync(file, { force: true });
        this.misses++;
        if (this.stale++ === 0)
          this.log.info(
            { dir: this.dir },
            'block cache entries written by another version (format or candidate rules) are summarised again',
          );
        return undefined;
      }
      const header = decodeHeader(head);
      if (header.height !== height || header.hash !== hash)
        throw new DataError(`cache entry names block ${header.height} ${header.hash}`);
      if (size !== header.length) throw new DataError(`cache entry is ${size} bytes, its header says ${header.length}`);
      const value = read(fd, header);
      this.hits++;
      return value;
    } catch (err) {
      // A damaged entry is not an error for the run: drop it and fetch the block again.
      this.log.warn({ height, hash, err: (err as Error).message }, 'discarding a damaged block cache entry');
      if (this.writable) fs.rmSync(file, { force: true });
      this.misses++;
      return undefined;
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * A cached block, read as little as the window needs, in one open: just its amounts and funding
   * heights (the few kilobytes at the front, its txids read later only if a later block needs
   * them) when `covers(resolvedFrom)` says its funding reaches back far enough (see
   * oracle/funding.ts), else the whole entry, checked, to be resolved again.
   */
  read(
    height: number,
    hash: string,
    covers: (resolvedFrom: number) => boolean,
  ): { block: WindowBlock } | { entry: Entry } | undefined {
    return this.withEntry(height, hash, (fd, h) =>
      covers(h.resolvedFrom)
        ? { block: { ...decodeAmounts(BlockCache.readAt(fd, 0, h.prefixLength)), ...this.txidReader(height, hash) } }
        : { entry: decodeEntry(BlockCache.readAt(fd, 0, h.length)) },
    );
  }

  /**
   * Reads a cached block's txid keys, and single txids on a key match, for a later block of the
   * window whose funding is being worked out (oracle/funding.ts): ~12 KB per block instead of its
   * ~100 KB of txids. The entry was read moments ago in this run (the job holds the analyze lock),
   * so a missing or changed one is an error, not a miss. Files stay open until closeReaders().
   */
  txidReader(height: number, hash: string): BlockTxids {
    const file = this.file(height, hash);
    let open: { fd: number; header: Header; keysAt: number; txidsAt: number; count: number } | undefined;
    const ensure = () => {
      if (open) return open;
      let fd: number;
      try {
        fd = fs.openSync(file, 'r');
      } catch (err) {
        throw new DataError(`block cache entry for ${height} ${hash} vanished during the run`, undefined, {
          cause: err,
        });
      }
      this.readers.add(fd);
      const header = decodeHeader(BlockCache.readAt(fd, 0, HEADER_BYTES));
      if (header.height !== height || header.hash !== hash)
        throw new DataError(`cache entry ${file} changed during the run`);
      const at = sectionsOf(header);
      open = { fd, header, keysAt: at.keys, txidsAt: at.txids, count: header.txCount };
      return open;
    };
    return {
      keys: () => {
        const o = ensure();
        try {
          return keysOf(o.header, BlockCache.readAt(o.fd, o.keysAt, 4 * o.count));
        } catch (err) {
          // Damaged on disk: this run cannot price without it, the next one fetches the block again.
          if (this.writable) fs.rmSync(file, { force: true });
          throw new DataError(
            `block cache entry ${file}: ${(err as Error).message}; removed, the next run fetches the block again`,
            undefined,
            { cause: err },
          );
        }
      },
      txid: (j) => {
        const o = ensure();
        if (!(j >= 0 && j < o.count)) throw new DataError(`txid ${j} is outside block ${height}'s ${o.count}`);
        return BlockCache.readAt(o.fd, o.txidsAt + 32 * j, 32);
      },
    };
  }

  /** Closes the files txidReader opened. */
  closeReaders(): void {
    for (const fd of this.readers) fs.closeSync(fd);
    this.readers.clear();
  }

  /** Whether an entry exists (without reading it). */
  has(height: number, hash: string): boolean {
    return fs.existsSync(this.file(height, hash));
  }

  /** Rewrites an entry with the funding heights a window worked out, so the next run reads them instead. */
  putResolved(entry: Entry, funding: Funding): void {
    this.put(entry.height, entry.hash, withFunding(entry, funding));
  }

  /** Writes an entry (encodeSummary's bytes) for block `height` `hash`. */
  put(height: number, hash: string, encoded: Uint8Array): void {
    if (!this.writable) return;
    const target = this.file(height, hash);
    const tmp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, encoded, { mode: 0o640 });
    fs.renameSync(tmp, target);
    // Another block cached at this height was reorged out.
    for (const name of this.namesAt(height)) {
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

  stats(): { hits: number; misses: number; olderFormat: number } {
    return { hits: this.hits, misses: this.misses, olderFormat: this.stale };
  }
}
