// The block cache and versions: an entry written under another format or other candidate rules is
// not served (its summary would be drawn by rules this build does not apply): it is dropped, the
// block is summarised again, and the run says so once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log/logger.js';
import { silentLogger } from '../../src/log/logger.js';
import { BlockCache, OpenEntries } from '../../src/summary/blockCache.js';
import { RULES_VERSION } from '../../src/summary/candidateRule.js';
import { encodeSummary, sealEntry } from '../../src/summary/codec.js';
import { FIELD } from '../../src/summary/entryHeader.js';
import { summarizeBlock } from '../../src/summary/summarizeBlock.js';
import { fakeBlock, fakeTx } from '../oracle/fakeTx.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function summaryAt(height: number) {
  const block = fakeBlock(1_700_000_000 + height, [
    fakeTx({ txid: 1, spends: [0], prevIndex: 0xffffffff }),
    fakeTx({ txid: 2 + height, spends: [3], values: [123_456, 654_321] }),
  ]);
  return summarizeBlock(block, height);
}

/** A logger that records info and warn messages. */
function recorder(): { log: Logger; info: string[]; warn: string[] } {
  const info: string[] = [];
  const warn: string[] = [];
  const log = {
    ...silentLogger,
    info: (_o: unknown, msg?: string) => void info.push(msg ?? String(_o)),
    warn: (_o: unknown, msg?: string) => void warn.push(msg ?? String(_o)),
  } as unknown as Logger;
  return { log, info, warn };
}

describe('BlockCache and the rules version', () => {
  it('serves an entry of this version; drops entries of other rules or formats, logged once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'block-cache-'));
    dirs.push(dir);
    const { log, info, warn } = recorder();
    const cache = new BlockCache(dir, log, true);
    const [a, b, c] = [100, 101, 102].map(summaryAt) as [
      ReturnType<typeof summaryAt>,
      ReturnType<typeof summaryAt>,
      ReturnType<typeof summaryAt>,
    ];
    cache.put(a.height, a.hash, encodeSummary(a));
    const otherRules = encodeSummary(b);
    new DataView(otherRules.buffer).setUint32(FIELD.rulesVersion, RULES_VERSION + 1, true);
    sealEntry(otherRules); // consistent bytes: only the version differs
    cache.put(b.height, b.hash, otherRules);
    const olderFormat = encodeSummary(c);
    olderFormat.set([0x34], 3); // "UXS4", the format before
    cache.put(c.height, c.hash, olderFormat);

    const always = () => true;
    const open = new OpenEntries();
    expect(cache.read(a.height, a.hash, always, open)).toBeDefined();
    expect(cache.read(b.height, b.hash, always, open)).toBeUndefined();
    expect(cache.read(c.height, c.hash, always, open)).toBeUndefined();
    open.close();
    expect(cache.has(b.height, b.hash) || cache.has(c.height, c.hash)).toBe(false); // summarised again next time
    expect(cache.stats()).toEqual({ hits: 1, misses: 2, olderFormat: 2 });
    expect(info.filter((m) => m.includes('another version'))).toHaveLength(1);
    expect(warn).toEqual([]); // not damage
  });
});
