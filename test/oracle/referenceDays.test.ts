// Synthetic days priced by the REAL reference UTXOracle.py v9.1 (run against the fake node, see
// test/fixtures/reference-days.json "how"): our window search, filters and price must give the same
// double, rough price and block range. Each chain is regenerated from its seed here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../../src/chain/block.js';
import { summarizeBlock } from '../../src/summary/summarizeBlock.js';
import { computePrice } from '../../src/oracle/price.js';
import { dateWindow, heightsOf, recentWindow } from '../../src/oracle/window.js';
import { createBitcoindClient } from '../../src/sources/bitcoind/index.js';
import { startFakeBitcoind } from '../fakes/bitcoind/index.js';
import {
  dayStart,
  generateChain,
  linearPrice,
  type PriceSpec,
  type Scale,
  type SyntheticChain,
  type TimeQuirks,
} from '../fakes/chain/index.js';

interface Entry {
  seed: number;
  date: string;
  scale: Scale;
  mode: 'date' | 'recent';
  options: {
    price: PriceSpec;
    chain?: { marginBeforeBlocks?: number; marginAfterBlocks?: number; timeQuirks?: TimeQuirks };
  };
  expected: { price: string; rough: number; firstHeight: number; lastHeight: number };
}

/**
 * The full-scale day goes the way analyze fetches it: fake node, our client over REST, with the
 * node answering 503 "Work queue depth exceeded" now and then. Small days are read directly.
 */
async function blocksOf(chain: SyntheticChain, heights: number[], viaNode: boolean): Promise<Uint8Array[]> {
  if (!viaNode) return heights.map((h) => chain.byHeight(h)!.bytes);
  const node = await startFakeBitcoind({ chain, auth: { cookie: true }, rest: true, faults: { status503Count: 2 } });
  const client = createBitcoindClient({
    url: node.url,
    cookieFile: node.cookiePath,
    timeoutMs: 10_000,
    concurrency: 4,
    retries: 8,
    retryDelayMs: 10,
  });
  try {
    const refs = await client.getBlockRefs(heights); // survives two 503s
    node.injectFaults({ status503Count: 4 }); // and four more among the parallel block fetches
    const raw = await client.getRawBlocks(refs);
    expect(await client.usesRest()).toBe(true);
    expect(node.requests.filter((r) => r.status === 503)).toHaveLength(6);
    return raw.map((b) => b.bytes);
  } finally {
    await client.close();
    await node.close();
  }
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/reference-days.json', import.meta.url), 'utf8')) as {
  how: string;
  days: Entry[];
};

describe('reference days (UTXOracle.py v9.1 on synthetic chains)', () => {
  it('pins at least four days, in both modes, with both midnight quirks and a full-scale day', () => {
    const days = fixture.days;
    expect(days.length).toBeGreaterThanOrEqual(4);
    expect(days.some((d) => d.mode === 'recent')).toBe(true);
    expect(days.some((d) => d.scale === 'full')).toBe(true);
    expect(days.some((d) => d.options.chain?.timeQuirks?.midnightExact)).toBe(true);
    expect(days.some((d) => d.options.chain?.timeQuirks?.outOfOrderAtMidnight)).toBe(true);
  });

  it.each(
    fixture.days.map(
      (d) =>
        [
          `${d.date} seed ${d.seed} ${d.scale} ${d.mode} ${JSON.stringify(d.options.chain?.timeQuirks ?? {})}`,
          d,
        ] as const,
    ),
  )(
    '%s',
    async (_name, d) => {
      const chain = generateChain({
        seed: d.seed,
        date: d.date,
        scale: d.scale,
        price: linearPrice(d.options.price, dayStart(d.date)),
        ...d.options.chain,
      });
      const tip = chain.tip.height;
      const window =
        d.mode === 'recent' ? recentWindow(tip) : await dateWindow(d.date, tip, async (h) => chain.byHeight(h)!.time);
      expect({ first: window.firstHeight, last: window.lastHeight }).toEqual({
        first: d.expected.firstHeight,
        last: d.expected.lastHeight,
      });
      const heights = heightsOf(window);
      const bytes = await blocksOf(chain, heights, d.scale === 'full');
      const summaries = heights.map((h, i) => summarizeBlock(parseBlock(bytes[i]!), h));
      const result = computePrice(summaries);
      expect(result.roughPrice).toBe(d.expected.rough);
      expect(result.price).toBe(Number(d.expected.price)); // the exact double the reference printed with repr()
    },
    120_000,
  );
});
