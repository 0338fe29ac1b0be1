import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { decodeAmounts, decodeEntry, keysOf, sectionsOf, withFunding, type Entry } from './codec.js';
import { HEADER_BYTES, decodeHeader, isOtherVersion, type Header } from './entryHeader.js';
import type { BlockTxids, Funding, WindowBlock } from './types.js';

/**
 * The cache files one window keeps open to read txids from (BlockCache.txidReader), closed when
 * that window is priced. One per window: two windows in flight at once (range mode prices one day
 * while it fetches the next) never close each other's files.
 */
export class OpenEntries {
  private readonly fds = new Set<number>();

  add(fd: number): void {
    this.fds.add(fd);
  }

  close(): void {
    for (const fd of this.fds) fs.closeSync(fd);
    this.fds.clear();
  }
}

/**
 * Per-block cache of what the oracle needs from a block (its txids, the candidate outputs and their
 * funding heights), one file per block named `<height>-<hash>.uxs` (layout in codec.ts). Keyed by
 * hash as well as height, so a reorg simply misses: the new block at that height has another hash,
 * and the old file is removed when the new one is written. Files are written to a temp name and
 * renamed, so a killed run never leaves a half-written entry behind under a real name.
 *
 * Which files exist is listed once per run (the first write or prune) and then kept in memory:
 * the job holds the analyze lock, so nothing else writes the folder meanwhile, and a write no
 * longer lists a folder that may hold tens of thousands of entries.
 */
export class BlockCache {
  private hits = 0;
  private misses = 0;
  /** Entries of an older format met this run. */
  private stale = 0;
  /** Entry names by height, and temp files left by killed runs; listed on first need. */
  private listing: { byHeight: Map<number, Set<string>>; temps: string[] } | undefined;

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
        this.remove(height, file);
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
      this.remove(height, file);
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
    open: OpenEntries,
  ): { block: WindowBlock } | { entry: Entry } | undefined {
    return this.withEntry(height, hash, (fd, h) =>
      covers(h.resolvedFrom)
        ? {
            block: {
              ...decodeAmounts(BlockCache.readAt(fd, 0, h.prefixLength)),
              ...this.txidReader(height, hash, open),
            },
          }
        : { entry: decodeEntry(BlockCache.readAt(fd, 0, h.length)) },
    );
  }

  /**
   * Reads a cached block's txid keys, and single txids on a key match, for a later block of the
   * window whose funding is being worked out (oracle/funding.ts): ~12 KB per block instead of its
   * ~100 KB of txids. The entry was read moments ago in this run (the job holds the analyze lock),
   * so a missing or changed one is an error, not a miss. Files stay open until `open` is closed.
   */
  txidReader(height: number, hash: string, open: OpenEntries): BlockTxids {
    const file = this.file(height, hash);
    let entry: { fd: number; header: Header; keysAt: number; txidsAt: number; count: number } | undefined;
    const ensure = () => {
      if (entry) return entry;
      let fd: number;
      try {
        fd = fs.openSync(file, 'r');
      } catch (err) {
        throw new DataError(`block cache entry for ${height} ${hash} vanished during the run`, undefined, {
          cause: err,
        });
      }
      open.add(fd);
      const header = decodeHeader(BlockCache.readAt(fd, 0, HEADER_BYTES));
      if (header.height !== height || header.hash !== hash)
        throw new DataError(`cache entry ${file} changed during the run`);
      const at = sectionsOf(header);
      entry = { fd, header, keysAt: at.keys, txidsAt: at.txids, count: header.txCount };
      return entry;
    };
    return {
      keys: () => {
        const o = ensure();
        try {
          return keysOf(o.header, BlockCache.readAt(o.fd, o.keysAt, 4 * o.count));
        } catch (err) {
          // Damaged on disk: this run cannot price without it, the next one fetches the block again.
          this.remove(height, file);
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

  /** Whether an entry exists (without reading it). */
  has(height: number, hash: string): boolean {
    return fs.existsSync(this.file(height, hash));
  }

  /** Rewrites an entry with the funding heights a window worked out, so the next run reads them instead. */
  putResolved(entry: Entry, funding: Funding): void {
    if (!this.writable) return; // a dry run: not even the copy withFunding makes
    this.put(entry.height, entry.hash, withFunding(entry, funding));
  }

  /** Writes an entry (encodeSummary's bytes) for block `height` `hash`. */
  put(height: number, hash: string, encoded: Uint8Array): void {
    if (!this.writable) return;
    const target = this.file(height, hash);
    const tmp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, encoded, { mode: 0o640 });
    fs.renameSync(tmp, target);
    const name = path.basename(target);
    const names = this.names().byHeight;
    const at = names.get(height) ?? new Set<string>();
    // Another block cached at this height was reorged out.
    for (const other of at) if (other !== name) fs.rmSync(path.join(this.dir, other), { force: true });
    names.set(height, new Set([name]));
  }

  /** Removes an entry (damaged, or of another version) and forgets it. */
  private remove(height: number, file: string): void {
    if (!this.writable) return;
    fs.rmSync(file, { force: true });
    this.listing?.byHeight.get(height)?.delete(path.basename(file));
  }

  /** The folder's entries by height (and leftover temp files), listed once. */
  private names(): NonNullable<BlockCache['listing']> {
    if (this.listing) return this.listing;
    const byHeight = new Map<number, Set<string>>();
    const temps: string[] = [];
    let all: string[] = [];
    try {
      all = fs.readdirSync(this.dir);
    } catch {
      /* no folder yet: nothing cached */
    }
    for (const name of all) {
      if (name.includes('.tmp-')) temps.push(name);
      else if (name.endsWith('.uxs')) {
        const height = Number(name.split('-', 1)[0]);
        if (!Number.isInteger(height)) continue;
        const at = byHeight.get(height) ?? new Set<string>();
        at.add(name);
        byHeight.set(height, at);
      }
    }
    this.listing = { byHeight, temps };
    return this.listing;
  }

  /**
   * Removes the entries the run no longer needs: every height below `minHeight` except those in
   * `keep` (inclusive ranges), and temp files left by killed runs. Returns how many went.
   */
  prune(minHeight: number, keep: readonly { from: number; to: number }[] = []): number {
    if (!this.writable) return 0;
    const { byHeight, temps } = this.names();
    let removed = 0;
    for (const name of temps.splice(0)) {
      fs.rmSync(path.join(this.dir, name), { force: true });
      removed++;
    }
    for (const [height, names] of byHeight) {
      if (height >= minHeight || keep.some((k) => height >= k.from && height <= k.to)) continue;
      for (const name of names) {
        fs.rmSync(path.join(this.dir, name), { force: true });
        removed++;
      }
      byHeight.delete(height);
    }
    return removed;
  }

  /** Entries held (as listed this run, with its own writes and removals). */
  entryCount(): number {
    let n = 0;
    for (const names of this.names().byHeight.values()) n += names.size;
    return n;
  }

  stats(): { hits: number; misses: number; olderFormat: number } {
    return { hits: this.hits, misses: this.misses, olderFormat: this.stale };
  }
}
