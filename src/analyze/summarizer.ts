import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseBlock } from '../chain/block.js';
import { DataError } from '../errors.js';
import { summarizeBlock, type BlockSummary } from '../oracle/outputs.js';
import { decodeSummary, encodeSummary } from '../oracle/summaryCodec.js';
import type { SummarizeReply } from './summarizeWorker.js';

/** Raw block -> checked summary (and its encoded bytes, for the cache). */
export interface Summarizer {
  /** Takes the bytes over: the caller must not read them afterwards (they may be moved to a thread). */
  summarize(height: number, bytes: Uint8Array): Promise<{ summary: BlockSummary; encoded: Uint8Array }>;
  close(): Promise<void>;
}

function malformed(height: number, message: string, cause?: unknown): DataError {
  return new DataError(`block ${height} is malformed: ${message}`, undefined, { cause });
}

/** Raw block -> summary: the one place a block is parsed for the oracle, in a thread or not. */
export function summarizeRaw(height: number, bytes: Uint8Array): BlockSummary {
  return summarizeBlock(parseBlock(bytes), height);
}

/** In the calling thread (tests run from source, where no compiled worker file exists). */
export function inlineSummarizer(): Summarizer {
  return {
    async summarize(height, bytes) {
      let summary: BlockSummary;
      try {
        summary = summarizeRaw(height, bytes);
      } catch (err) {
        throw malformed(height, (err as Error).message, err);
      }
      return { summary, encoded: encodeSummary(summary) };
    },
    async close() {},
  };
}

const WORKER_FILE = fileURLToPath(new URL('./summarizeWorker.js', import.meta.url));

/**
 * A pool of `threads` workers (round-robin; blocks are similar in size). Falls back to the
 * calling thread when threads is 0 or the compiled worker is not there.
 */
export function createSummarizer(threads: number): Summarizer {
  if (threads <= 0 || !fs.existsSync(WORKER_FILE)) return inlineSummarizer();
  const pending = new Map<number, { height: number; resolve: (v: { summary: BlockSummary; encoded: Uint8Array }) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let broken: Error | undefined;
  const workers = Array.from({ length: threads }, () => {
    // Bounded heaps: a worker holds one block at a time, and every worker's heap counts toward RSS.
    // The young generation is not small on purpose: parsing makes short-lived objects, and an 8 MB
    // young space made the workers spend a third of their time in GC (measured).
    const w = new Worker(WORKER_FILE, { resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 96 } });
    w.on('message', (m: SummarizeReply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (!m.ok) return p.reject(malformed(p.height, m.message));
      try {
        p.resolve({ summary: decodeSummary(m.encoded).summary, encoded: m.encoded });
      } catch (err) {
        p.reject(err as Error);
      }
    });
    w.on('error', (err) => {
      // A worker that dies (out of memory, a bug) fails what it was doing, never hangs the run.
      broken = new DataError(`block parser thread failed: ${err.message}`, undefined, { cause: err });
      for (const p of pending.values()) p.reject(broken);
      pending.clear();
    });
    return w;
  });
  return {
    summarize(height, bytes) {
      if (broken) return Promise.reject(broken);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { height, resolve, reject });
        // Hand the bytes over without a copy when they own their buffer (a fetched block does);
        // a view into a larger buffer is copied first. Either way the caller is done with them.
        const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
        const send = own ? bytes : new Uint8Array(bytes);
        workers[id % workers.length]!.postMessage({ id, height, bytes: send }, [send.buffer as ArrayBuffer]);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
