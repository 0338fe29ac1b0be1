// A batch of raw transactions (a catch-up's JSON-RPC batch from Bitcoin Core) looked at together,
// without an object per transaction: the bytes of the whole batch in one buffer, laid out in one
// pass with every framing check parseTransaction makes (the same readTxs, src/chain/layout.ts),
// every txid hashed in one call and held to the txid asked for, and each transaction's outputs
// added up from the layout's arrays. Only the transactions the caller finds worth it (a whale, or one
// spending a coin of interest) become MempoolTx objects. A 300k-transaction mempool has ~300 whales:
// building an object graph (inputs, outputs, hex strings) for every other transaction was most of
// the catch-up's garbage, and of its peak memory.
//
// Anything the batch's layout does not accept — a defect, a transaction whose bytes end before or
// after its hex, another transaction than the one asked for — is read again one transaction at a
// time by `full`, which names the defect exactly as it does for a single transaction.
import { hashBlock } from '../chain/blockHash.js';
import { toDisplayHex } from '../chain/hash.js';
import { RANGE_FIELDS, readTxsLayout, type TxsLayout } from '../chain/layout.js';
import type { MempoolTx } from './mempool/stream/types.js';

/** What a glance tells of one transaction; valid only while the `worth` callback runs. */
export interface RawTxGlance {
  /** Its outputs added up, satoshis. Exact below 2^53 (each output is at most MAX_MONEY). */
  readonly outputSats: number;
  /** The coins it spends, as `txid:vout` (made when asked). */
  spends(): string[];
}

/** A transaction that is there, looked at, and not worth an object (the caller's `worth` said so). */
export const PASSED = Symbol('passed');
export type Passed = typeof PASSED;

const HEX_DIGITS = '0123456789abcdef';

/** `le[at..at+32)` (internal byte order) equals the 64-hex display txid, without making a string. */
function sameTxid(le: Uint8Array, at: number, display: string): boolean {
  for (let k = 0; k < 32; k++) {
    const b = le[at + 31 - k]!;
    if (display.charCodeAt(2 * k) !== HEX_DIGITS.charCodeAt(b >> 4)) return false;
    if (display.charCodeAt(2 * k + 1) !== HEX_DIGITS.charCodeAt(b & 15)) return false;
  }
  return true;
}

// One buffer for every batch (all of this is synchronous): a fresh one per batch is ~150 KB of
// memory outside the heap that only a garbage collection gives back. Batches above the cap get their own.
const SCRATCH_CAP = 1 << 20;
let scratch = Buffer.allocUnsafeSlow(1 << 16);
function batchBytes(n: number): Buffer {
  if (n > SCRATCH_CAP) return Buffer.allocUnsafeSlow(n);
  if (scratch.length < n) scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_CAP, Math.max(n, 2 * scratch.length)));
  return scratch.subarray(0, n);
}

class Glance implements RawTxGlance {
  outputSats = 0;
  tx = 0;
  constructor(private readonly l: TxsLayout) {}
  spends(): string[] {
    const { bytes, inputAt, firstInput } = this.l;
    const out: string[] = [];
    for (let k = firstInput[this.tx]!; k < firstInput[this.tx + 1]!; k++) {
      const at = inputAt[k]!;
      const index = (bytes[at + 32]! | (bytes[at + 33]! << 8) | (bytes[at + 34]! << 16)) + bytes[at + 35]! * 2 ** 24;
      out.push(`${toDisplayHex(bytes.subarray(at, at + 32))}:${index}`);
    }
    return out;
  }
}

/**
 * `hexes[i]` is the raw transaction answered for `txids[i]` (null: the node does not have it).
 * Each answer becomes null (not there), PASSED (there and valid, `worth` said no) or the MempoolTx
 * `full` makes of it. `full(hex, txid)` parses one transaction and throws, naming the defect, when it
 * is not the valid transaction `txid`.
 */
export function glanceRawTxs(
  hexes: readonly (string | null)[],
  txids: readonly string[],
  worth: (g: RawTxGlance) => boolean,
  full: (hex: string, txid: string) => MempoolTx,
): (MempoolTx | Passed | null)[] {
  const present: number[] = [];
  const starts: number[] = [];
  let total = 0;
  for (const [i, hex] of hexes.entries()) {
    if (hex === null) continue;
    present.push(i);
    starts.push(total);
    total += hex.length >> 1;
  }
  const out: (MempoolTx | Passed | null)[] = hexes.map(() => null);
  const oneByOne = () => {
    for (const i of present) out[i] = full(hexes[i]!, txids[i]!);
    return out;
  };
  if (present.length === 0) return out;
  const bytes = batchBytes(total);
  for (const [j, i] of present.entries()) {
    const hex = hexes[i]!;
    if (bytes.write(hex, starts[j]!, 'hex') !== hex.length >> 1 || hex.length % 2 !== 0) return oneByOne();
  }
  let l: TxsLayout;
  try {
    l = readTxsLayout(bytes, present.length);
  } catch {
    return oneByOne();
  }
  // Read back to back, each transaction must start where its hex does (and the last end at the end,
  // which the layout checked): a hex holding less or more than one transaction shifts the rest.
  for (let j = 0; j < present.length; j++) if (l.ranges[RANGE_FIELDS * j] !== starts[j]) return oneByOne();
  const { txids: hashed } = hashBlock(l);
  for (const [j, i] of present.entries()) if (!sameTxid(hashed, 32 * j, txids[i]!)) return oneByOne();
  // The layout's arrays are scratch space that `full` reuses: every glance first, then the objects.
  const g = new Glance(l);
  const wanted: number[] = [];
  for (const [j, i] of present.entries()) {
    let sats = 0;
    for (let k = l.firstOutput[j]!; k < l.firstOutput[j + 1]!; k++) sats += l.value[k]!;
    g.tx = j;
    g.outputSats = sats;
    if (worth(g)) wanted.push(i);
    else out[i] = PASSED;
  }
  for (const i of wanted) out[i] = full(hexes[i]!, txids[i]!);
  return out;
}
