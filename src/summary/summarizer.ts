import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataError } from '../errors.js';
import { encodeSummary } from './codec.js';
import { scanBlock } from './scanBlock.js';
import type { BlockSummary } from './types.js';

/** What the pool sends a worker thread (summarizeWorker.ts) and what it answers. */
export interface SummarizeRequest {
  id: number;
  height: number;
  bytes: Uint8Array;
}

export type SummarizeReply = { id: number; ok: true; encoded: Uint8Array } | { id: number; ok: false; message: string };

/** Raw block -> its checked summary, encoded as a cache entry (codec.ts). */
export interface Summarizer {
  /**
   * Takes the bytes over: the caller must not read them afterwards (they may be moved to a thread).
   * `batch` is how many blocks the caller is fetching together: a small one is parsed right here.
   */
  summarize(height: number, bytes: Uint8Array, batch?: number): Promise<Uint8Array>;
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
  const pending = new Map<number, { height: number; resolve: (v: Uint8Array) => void; reject: (e: Error) => void }>();
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
        if (!m.ok) return p.reject(malformed(p.height, m.message));
        p.resolve(m.encoded);
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
  return {
    summarize(height, bytes, batch = Infinity) {
      if (!workers && batch <= INLINE_BATCH) return inline.summarize(height, bytes);
      workers ??= start();
      if (broken) return Promise.reject(broken);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { height, resolve, reject });
        // Hand the bytes over without a copy when they own their buffer (a fetched block does);
        // a view into a larger buffer is copied first. Either way the caller is done with them.
        const own =
          bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
        const send = own ? bytes : new Uint8Array(bytes);
        workers![id % workers!.length]!.postMessage({ id, height, bytes: send }, [send.buffer as ArrayBuffer]);
      });
    },
    async close() {
      await Promise.all((workers ?? []).map((w) => w.terminate()));
    },
  };
}
