import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataError } from '../errors.js';
import { encodeSummary } from './codec.js';
import { scanBlock } from './scanBlock.js';
import type { BlockSummary } from './types.js';

/**
 * What the pool sends a worker thread (summarizeWorker.ts): the block's bytes, or where to fetch
 * them (a REST URL) so the raw block never passes through the main thread.
 */
export type SummarizeRequest =
  | { id: number; height: number; bytes: Uint8Array }
  | { id: number; height: number; fetch: { url: string; hash: string; timeoutMs: number } };

export type SummarizeReply =
  | { id: number; ok: true; encoded: Uint8Array; fetched?: number }
  | { id: number; ok: false; message: string }
  /** The fetch did not give the block (not 200, a network error, another block): fetch it the usual way. */
  | { id: number; ok: false; refetch: string };

/** A block a worker fetched and summarised itself. */
export interface FetchedSummary {
  encoded: Uint8Array;
  /** Raw bytes fetched. */
  bytes: number;
}

/** Raw block -> its checked summary, encoded as a cache entry (codec.ts). */
export interface Summarizer {
  /**
   * Takes the bytes over: the caller must not read them afterwards (they may be moved to a thread).
   * `batch` is how many blocks the caller is fetching together: a small one is parsed right here.
   */
  summarize(height: number, bytes: Uint8Array, batch?: number): Promise<Uint8Array>;
  /**
   * Fetches the block from `url` (the node's REST `/rest/block/<hash>.bin`) in a parser thread and
   * summarises it there: one attempt, no retries. Resolves to a reason instead when that did not
   * give the block `hash` (the caller then fetches it the usual way, with its retries and checks),
   * or undefined when there are no threads or the batch is small enough to parse in place.
   */
  fetchAndSummarize?(
    height: number,
    fetch: { url: string; hash: string; timeoutMs: number },
    batch: number,
  ): Promise<FetchedSummary | { refetch: string }> | undefined;
  close(): Promise<void>;
}

/** A block the node served that fails to parse or to check: the same bytes will fail again. */
export class MalformedBlockError extends DataError {}

function malformed(height: number, message: string, cause?: unknown): DataError {
  return new MalformedBlockError(`block ${height} is malformed: ${message}`, undefined, { cause });
}

/** Raw block -> summary: the one place a block is parsed for the oracle, in a thread or not. */
export function summarizeRaw(height: number, bytes: Uint8Array): BlockSummary {
  return scanBlock(bytes, height);
}

/** In the calling thread (tests run from source, where no compiled worker file exists). */
export function inlineSummarizer(): Summarizer {
  return {
    summarize(height, bytes) {
      let summary: BlockSummary;
      try {
        summary = summarizeRaw(height, bytes);
      } catch (err) {
        return Promise.reject(malformed(height, (err as Error).message, err));
      }
      return Promise.resolve(encodeSummary(summary));
    },
    close: () => Promise.resolve(),
  };
}

const WORKER_FILE = fileURLToPath(new URL('./summarizeWorker.js', import.meta.url));

/**
 * Batches up to this size are parsed in the calling thread when no thread is running yet: the cron
 * run fetches one block, and starting a thread (~100 ms of loading modules) costs more than the
 * ~35 ms parse it would move.
 */
const INLINE_BATCH = 2;

/**
 * A pool of `threads` workers (round-robin; blocks are similar in size), started on first use. Falls back to the
 * calling thread when threads is 0 or the compiled worker is not there.
 */
export function createSummarizer(threads: number): Summarizer {
  const inline = inlineSummarizer();
  if (threads <= 0 || !fs.existsSync(WORKER_FILE)) return inline;
  type Reply = Extract<SummarizeReply, { ok: true }> | { refetch: string };
  const pending = new Map<number, { height: number; resolve: (v: Reply) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let broken: Error | undefined;
  const start = (): Worker[] =>
    Array.from({ length: threads }, () => {
      // Bounded heaps: a worker holds one block at a time, and every worker's heap counts toward RSS.
      // The young generation is not small on purpose: parsing makes short-lived objects, and an 8 MB
      // young space made the workers spend a third of their time in GC (measured).
      const w = new Worker(WORKER_FILE, {
        resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 96 },
      });
      w.on('message', (m: SummarizeReply) => {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.ok) return p.resolve(m);
        if ('refetch' in m) return p.resolve({ refetch: m.refetch });
        p.reject(malformed(p.height, m.message));
      });
      w.on('error', (err) => {
        // A worker that dies (out of memory, a bug) fails what it was doing, never hangs the run.
        broken = new DataError(`block parser thread failed: ${err.message}`, undefined, { cause: err });
        for (const p of pending.values()) p.reject(broken);
        pending.clear();
      });
      return w;
    });
  let workers: Worker[] | undefined;
  const post = (height: number, msg: (id: number) => SummarizeRequest, transfer: ArrayBuffer[]): Promise<Reply> => {
    workers ??= start();
    if (broken) return Promise.reject(broken);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { height, resolve, reject });
      workers![id % workers!.length]!.postMessage(msg(id), transfer);
    });
  };
  return {
    summarize(height, bytes, batch = Infinity) {
      if (!workers && batch <= INLINE_BATCH) return inline.summarize(height, bytes);
      // Hand the bytes over without a copy when they own their buffer (a fetched block does);
      // a view into a larger buffer is copied first. Either way the caller is done with them.
      const own =
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      const send = own ? bytes : new Uint8Array(bytes);
      return post(height, (id) => ({ id, height, bytes: send }), [send.buffer as ArrayBuffer]).then((r) => {
        if ('refetch' in r)
          throw new DataError(`block ${height}: the parser thread asked for a fetch it was not given`);
        return r.encoded;
      });
    },
    fetchAndSummarize(height, fetch, batch) {
      if (!workers && batch <= INLINE_BATCH) return undefined;
      return post(height, (id) => ({ id, height, fetch }), []).then((r) =>
        'refetch' in r ? r : { encoded: r.encoded, bytes: r.fetched ?? 0 },
      );
    },
    async close() {
      await Promise.all((workers ?? []).map((w) => w.terminate()));
    },
  };
}
