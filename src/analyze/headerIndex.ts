// The run's header index: hash and time of every height a run reads, loaded in bulk. The date
// search (oracle/window.ts) reads ~300 header times one after another, and a window needs the
// refs of its ~144 blocks; one at a time that was ~520-610 calls a day against the node. Here a
// height that is missing is loaded with its neighbours (BlockSource.getHeaderRefs: REST
// /rest/headers in one GET, else JSON-RPC batches), so the search runs on times already in memory,
// exactly the reference's steps on the same header times, and the window's refs come for free.
//
// The index is one chain: every load overlaps what is already held by at least one height (when
// anything is held next to it), and each load is itself checked header by header to build on the
// one before (sources/bitcoind/headers.ts). A load whose overlap disagrees with what is held
// means the chain changed (a reorg); everything held is dropped then and the new load kept.
import { SourceError } from '../errors.js';
import type { TimeAt } from '../oracle/window.js';
import type { BlockRef, BlockSource } from '../sources/types.js';

/** Bitcoin Core's RPC_INVALID_PARAMETER: getblockhash of a height the node has no block at. */
const RPC_INVALID_PARAMETER = -8;

/**
 * Heights loaded on each side of a missing one: three days. The first read of a day's search is
 * tip - 6, and the newest finished day lies within 2 days below it, so one load covers the search,
 * the window and the cron run's recent window; 865 headers are ~69 KB over REST.
 */
export const HEADER_SPAN = 432;

export class HeaderIndex {
  private readonly held = new Map<number, BlockRef>();
  /** The highest height the node answered -8 for: it has no block there, nor below. */
  private unservedAt = -1;
  /** Bulk loads made (each one getblockhash and one REST GET, or a few RPC batches). */
  loads = 0;

  constructor(
    private readonly source: BlockSource,
    private readonly span = HEADER_SPAN,
  ) {}

  /** The ref at `height` on a chain whose tip is `tip`, loaded with its neighbours when missing. */
  async ref(height: number, tip: number): Promise<BlockRef> {
    const hit = this.held.get(height);
    if (hit) return hit;
    await this.load(height, tip);
    return this.held.get(height)!;
  }

  /** Refs for the consecutive heights `from..to` (inclusive), in order. */
  async range(from: number, to: number, tip: number): Promise<BlockRef[]> {
    const out: BlockRef[] = [];
    for (let h = from; h <= to; h++) out.push(await this.ref(h, tip));
    return out;
  }

  /** Header times for the date search (dateWindow), from the index. */
  timeAt(tip: number): TimeAt {
    return async (height) => (await this.ref(height, tip)).time;
  }

  /** How many heights are held (tests, logs). */
  get size(): number {
    return this.held.size;
  }

  /**
   * Loads `height` and up to `span` heights each side of it (never past the tip), stopping one
   * height into anything already held, so the load overlaps it. A node that has no block at the
   * load's start (getblockhash -8: a chain that starts later, as the fake node's do; Core serves
   * every height up to its tip) is asked again from nearer `height`, then from `height` itself,
   * and the run remembers where it has no blocks.
   */
  private async load(height: number, tip: number): Promise<void> {
    const floor = Math.max(0, this.unservedAt + 1, height - this.span);
    let lo = height;
    while (lo > floor && !this.held.has(lo - 1)) lo--;
    if (lo > 0 && this.held.has(lo - 1)) lo--;
    let hi = height;
    while (hi < tip && hi < height + this.span && !this.held.has(hi + 1)) hi++;
    if (hi < tip && this.held.has(hi + 1)) hi++;
    const starts = [lo, Math.max(lo, height - (this.span >> 3)), height].filter((x, i, a) => a.indexOf(x) === i);
    let refs: BlockRef[] | undefined;
    for (const [i, from] of starts.entries()) {
      try {
        refs = await this.source.getHeaderRefs(from, hi - from + 1);
        break;
      } catch (err) {
        const unserved = err instanceof SourceError && err.details.code === RPC_INVALID_PARAMETER;
        if (!unserved || i === starts.length - 1) throw err;
        this.unservedAt = Math.max(this.unservedAt, from);
      }
    }
    this.loads++;
    if (!refs!.some((r) => r.height === height))
      throw new SourceError(`the node's headers stop before height ${height} (its tip moved back?)`, {
        service: 'bitcoind',
        endpoint: 'headers',
      });
    if (refs!.some((r) => this.held.has(r.height) && this.held.get(r.height)!.hash !== r.hash)) this.held.clear();
    for (const r of refs!) this.held.set(r.height, r);
  }
}
