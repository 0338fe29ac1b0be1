// generateChain: a deterministic synthetic chain covering one UTC day, in real consensus bytes.
import { buildBlock, type BuiltBlock } from './block.js';
import { blockTransactions } from './economy.js';
import { createPrng, type Prng } from './prng.js';
import { dayStart, DAY, nextInterval, planTimes, type TimeQuirks } from './timeline.js';

export type Scale = 'small' | 'full';
export type PriceFn = (unixTime: number) => number;

export interface ChainOptions {
  seed: number | string;
  /** The UTC day to cover, 'YYYY-MM-DD'. */
  date: string;
  /** Height of the first block. Default 880000. */
  startHeight?: number;
  /** Blocks before the day's midnight. Default 144 (about a day). */
  marginBeforeBlocks?: number;
  /** Blocks stamped at or after the next midnight. Default 12 (the reference needs tip-6 past it). */
  marginAfterBlocks?: number;
  /** USD per BTC, constant or as a function of the block's time. */
  price: number | PriceFn;
  /** 'small' ~150 tx per block; 'full' ~3,000 tx per block (~1.2-1.6 MB). Default 'small'. */
  scale?: Scale;
  timeQuirks?: TimeQuirks;
  /**
   * Shift every block's time so the tip is mined at this unix time (a live node's chain, for checks of
   * the tip's age). The day fields then describe the unshifted plan; leave unset for price days.
   */
  tipAt?: number;
}

export type SyntheticBlock = BuiltBlock;

const TX_PER_BLOCK: Record<Scale, number> = { small: 150, full: 3000 };
/** Same-day chains spend txids of up to this many previous blocks. */
const SPEND_DEPTH = 6;
/** A previous block hash for the first block: all zero except a marker, so it is obviously synthetic. */
const FIRST_PREV = '00000000000000000000' + 'feed'.repeat(11);

export class SyntheticChain {
  readonly blocks: SyntheticBlock[] = [];
  readonly dayStart: number;
  readonly dayEnd: number;
  private readonly byHashMap = new Map<string, SyntheticBlock>();
  private readonly priceAt: PriceFn;
  private readonly root: Prng;
  private branch = 0;

  constructor(readonly options: Readonly<ChainOptions>) {
    this.dayStart = dayStart(options.date);
    this.dayEnd = this.dayStart + DAY;
    const p = options.price;
    this.priceAt = typeof p === 'number' ? () => p : p;
    this.root = createPrng(options.seed);
    const times = planTimes(
      this.root.fork('times'),
      this.dayStart,
      options.marginBeforeBlocks ?? 144,
      options.marginAfterBlocks ?? 12,
      options.timeQuirks,
    );
    const startHeight = options.startHeight ?? 880_000;
    const shift = options.tipAt === undefined ? 0 : options.tipAt - times[times.length - 1]!;
    for (let i = 0; i < times.length; i++) times[i]! += shift;
    times.forEach((t, i) => this.push(startHeight + i, t));
  }

  get tip(): SyntheticBlock {
    return this.blocks[this.blocks.length - 1]!;
  }

  get firstHeight(): number {
    return this.blocks[0]!.height;
  }

  byHeight(height: number): SyntheticBlock | undefined {
    return this.blocks[height - this.firstHeight];
  }

  byHash(hash: string): SyntheticBlock | undefined {
    return this.byHashMap.get(hash.toLowerCase());
  }

  /** Mines n more blocks on the tip (a cron run after new blocks). */
  append(n: number): SyntheticBlock[] {
    const prng = this.root.fork(`append/${this.branch}/${this.tip.height}`);
    const added: SyntheticBlock[] = [];
    for (let i = 0; i < n; i++) added.push(this.push(this.tip.height + 1, this.tip.time + nextInterval(prng)));
    return added;
  }

  /** Replaces the last `depth` blocks by a competing branch of the same length; returns the old ones. */
  reorg(depth: number): SyntheticBlock[] {
    if (!Number.isInteger(depth) || depth < 1 || depth >= this.blocks.length)
      throw new RangeError(`reorg depth must be 1..${this.blocks.length - 1}, got ${depth}`);
    this.branch++;
    const removed = this.blocks.splice(this.blocks.length - depth, depth);
    for (const b of removed) this.byHashMap.delete(b.hash);
    for (const b of removed) this.push(b.height, b.time + 1); // a second later: a different header anyway
    return removed;
  }

  private push(height: number, time: number): SyntheticBlock {
    const prng = this.root.fork(`block/${this.branch}/${height}`);
    const prev = this.blocks[this.blocks.length - 1];
    const recent = this.blocks.slice(-SPEND_DEPTH);
    const recentTxid = (): Uint8Array | undefined => {
      if (recent.length === 0) return undefined;
      const b = prng.pick(recent);
      const i = prng.int(1, b.txCount - 1 || 1); // never the coinbase (it could not be spent for 100 blocks)
      return b.txidsLE.subarray(i * 32, i * 32 + 32);
    };
    const base = TX_PER_BLOCK[this.options.scale ?? 'small'];
    const count = prng.int(Math.round(base * 0.85), Math.round(base * 1.15));
    const { txs, fees } = blockTransactions({ prng, price: this.priceAt(time), recentTxid }, count);
    const block = buildBlock(height, prev?.hash ?? FIRST_PREV, time, txs, fees, prng);
    this.blocks.push(block);
    this.byHashMap.set(block.hash, block);
    return block;
  }
}

export function generateChain(options: ChainOptions): SyntheticChain {
  return new SyntheticChain(options);
}
