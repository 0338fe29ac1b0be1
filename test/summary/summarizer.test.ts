import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineSummarizer, type Summarizer } from '../../src/summary/summarizer.js';
import { REPO_ROOT, fixturePath } from '../helpers/paths.js';
import { decodeHeader } from '../../src/summary/entryHeader.js';

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
});
