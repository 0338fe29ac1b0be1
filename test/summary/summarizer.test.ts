import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineSummarizer, type Summarizer } from '../../src/summary/summarizer.js';
import { REPO_ROOT, fixturePath } from '../helpers/paths.js';
import { decodeHeader } from '../../src/summary/entryHeader.js';
import { generateChain } from '../fakes/chain/index.js';
import { startFakeBitcoind } from '../fakes/bitcoind/index.js';

const blocks = fs.readdirSync(fixturePath('blocks')).filter((f) => f.endsWith('.raw'));
const read = (name: string) => new Uint8Array(fs.readFileSync(fixturePath('blocks', name)));
const heightOf = (name: string) => Number(name.split('_')[1]);

// The worker pool only exists compiled (Node 20 cannot run a .ts worker): load it from dist/,
// which the test setup builds.
async function pool(threads: number): Promise<Summarizer> {
  const mod = (await import(
    path.join(REPO_ROOT, 'dist/src/summary/summarizer.js')
  )) as typeof import('../../src/summary/summarizer.js');
  return mod.createSummarizer(threads);
}

describe('block summarizer: worker threads give the same summaries as the main thread', () => {
  it('on every real mainnet block, in any completion order', async () => {
    const workers = await pool(2);
    try {
      const inline = inlineSummarizer();
      const viaWorkers = await Promise.all(blocks.map((b) => workers.summarize(heightOf(b), read(b))));
      for (const [i, b] of blocks.entries()) {
        const want = await inline.summarize(heightOf(b), read(b));
        expect(Buffer.from(viaWorkers[i]!).equals(Buffer.from(want)), b).toBe(true);
        expect(decodeHeader(viaWorkers[i]!).hash).toBe(b.split('_')[2]!.replace('.raw', ''));
      }
    } finally {
      await workers.close();
    }
  });

  it('a malformed block is an error naming the height, and the pool keeps working', async () => {
    const workers = await pool(1);
    try {
      const good = blocks.find((b) => b.includes('542213'))!;
      const bytes = read(good);
      await expect(workers.summarize(542213, bytes.subarray(0, bytes.length - 10))).rejects.toThrow(
        /block 542213 is malformed: .*truncated/,
      );
      const ok = await workers.summarize(542213, bytes);
      expect(decodeHeader(ok).height).toBe(542213);
    } finally {
      await workers.close();
    }
  });

  it('threads = 0 parses in the calling thread', async () => {
    const s = await pool(0);
    const b = blocks[0]!;
    expect(decodeHeader(await s.summarize(heightOf(b), read(b))).height).toBe(heightOf(b));
    await s.close();
  });

  it('a thread that fetches the block itself gives the same bytes; anything else sends it back to be fetched as usual', async () => {
    const chain = generateChain({
      seed: 61,
      date: '2025-04-04',
      price: 84_000,
      marginBeforeBlocks: 2,
      marginAfterBlocks: 6,
    });
    const node = await startFakeBitcoind({ chain, auth: { cookie: true }, rest: true });
    const workers = await pool(2);
    try {
      const inline = inlineSummarizer();
      const at = (h: number) => chain.byHeight(h)!;
      const fetch = async (h: number, hash = at(h).hash) => {
        const p = workers.fetchAndSummarize!(
          h,
          { url: `${node.url}/rest/block/${hash}.bin`, hash, timeoutMs: 2_000 },
          10,
        );
        if (!p) throw new Error('no parser thread offered to fetch');
        return p;
      };
      // A small batch before any thread runs is parsed in place: no fetch offered.
      const small = await pool(1);
      expect(small.fetchAndSummarize!(1, { url: 'http://x', hash: 'ab', timeoutMs: 1 }, 2)).toBeUndefined();
      await small.close();
      const heights = [chain.firstHeight, chain.firstHeight + 1, chain.firstHeight + 2];
      const got = await Promise.all(heights.map((h) => fetch(h)));
      for (const [i, h] of heights.entries()) {
        const want = await inline.summarize(h, at(h).bytes);
        const r = got[i]!;
        if (!('encoded' in r)) throw new Error(`refetch ${r.refetch}`);
        expect(Buffer.from(r.encoded).equals(Buffer.from(want))).toBe(true);
        expect(r.bytes).toBe(at(h).bytes.length);
      }
      const h = chain.firstHeight + 3;
      expect(await fetch(h, 'ab'.repeat(32))).toEqual({ refetch: 'HTTP 404' });
      node.injectFaults({ status503Count: 1 });
      expect(await fetch(h)).toEqual({ refetch: 'HTTP 503' });
      node.injectFaults({ wrongBlockCount: 1 });
      expect(await fetch(h)).toEqual({ refetch: `got block ${at(h + 1).hash}` });
      expect('encoded' in (await fetch(h))).toBe(true);
    } finally {
      await workers.close();
      await node.close();
    }
  });
});
