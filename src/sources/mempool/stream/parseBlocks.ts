// `block` (one new block, pushed to clients that want "blocks") and `blocks` (the recent blocks,
// sent once on subscribing). Both carry mempool's block summary (`BlockExtended`).
import type { EventOf, MempoolBlock } from './types.js';
import { arr, finite, hash64, obj, optional, uint } from './shape.js';

export function parseBlock(value: unknown, path: string): MempoolBlock {
  const o = obj(value, path);
  const block: MempoolBlock = {
    id: hash64(o.id, `${path}.id`),
    height: uint(o.height, `${path}.height`),
    timestamp: uint(o.timestamp, `${path}.timestamp`),
    tx_count: uint(o.tx_count, `${path}.tx_count`),
    size: uint(o.size, `${path}.size`),
    weight: uint(o.weight, `${path}.weight`),
  };
  const prev = optional(o.previousblockhash, `${path}.previousblockhash`, hash64);
  if (prev !== undefined) block.previousblockhash = prev;
  // The median fee lives under `extras` in the backend's BlockExtended.
  if (o.extras !== undefined && o.extras !== null) {
    const extras = obj(o.extras, `${path}.extras`);
    const median = optional(extras.medianFee, `${path}.extras.medianFee`, finite);
    if (median !== undefined) block.medianFee = median;
  }
  return block;
}

export function parseBlockMessage(value: unknown, key = 'block'): EventOf<'block'> {
  return { type: 'block', block: parseBlock(value, key) };
}

export function parseBlocksMessage(value: unknown, key = 'blocks'): EventOf<'blocks'> {
  return { type: 'blocks', blocks: arr(value, key).map((b, i) => parseBlock(b, `${key}[${i}]`)) };
}
