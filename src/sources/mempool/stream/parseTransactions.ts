// `mempool-transactions`: the delta mempool pushes to clients that sent {"track-mempool": true}.
// Wire shape (backend `MempoolDelta`): {sequence, added: tx[], removed: txid[], mined: txid[],
// replaced: [{replaced: txid, by: tx}]}. `by` is a whole transaction there; the sibling
// `mempool-txids` message carries a txid instead, so both forms are accepted.
import type { EventOf, Replacement } from './types.js';
import { parseMempoolTx } from './parseTx.js';
import { arr, hash64, obj, uint } from './shape.js';

function parseReplacement(value: unknown, path: string): Replacement {
  const o = obj(value, path);
  const replaced = hash64(o.replaced, `${path}.replaced`);
  if (typeof o.by === 'string') return { replaced, by: hash64(o.by, `${path}.by`) };
  const byTx = parseMempoolTx(o.by, `${path}.by`);
  return { replaced, by: byTx.txid, byTx };
}

const txids = (value: unknown, path: string): string[] => arr(value, path).map((t, i) => hash64(t, `${path}[${i}]`));

export function parseTransactions(value: unknown, key = 'mempool-transactions'): EventOf<'transactions'> {
  const o = obj(value, key);
  return {
    type: 'transactions',
    sequence: uint(o.sequence, `${key}.sequence`),
    // A missing list means "nothing of that kind" in this delta.
    added:
      o.added === undefined ? [] : arr(o.added, `${key}.added`).map((t, i) => parseMempoolTx(t, `${key}.added[${i}]`)),
    removed: o.removed === undefined ? [] : txids(o.removed, `${key}.removed`),
    mined: o.mined === undefined ? [] : txids(o.mined, `${key}.mined`),
    replaced:
      o.replaced === undefined
        ? []
        : arr(o.replaced, `${key}.replaced`).map((r, i) => parseReplacement(r, `${key}.replaced[${i}]`)),
  };
}
