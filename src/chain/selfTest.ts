// The native addon's self-test (see nativeHash.ts): the made-up block of selfTestBlock.ts laid out
// and hashed by the native path (the module's own entry points, with the candidate addon loaded) and
// by the TypeScript path; the first difference, or undefined when every array and hash is equal.
import { hashBlock } from './blockHash.js';
import { readBlockLayout, RANGE_FIELDS, type BlockLayout } from './layout.js';
import { selfTestBlock } from './selfTestBlock.js';

type Sized = Pick<BlockLayout, 'txCount' | 'anySegwit'> & Record<string, unknown>;

/** The layout's arrays cut to their used lengths and copied (the reader reuses scratch arrays). */
export function layoutNumbers(l: BlockLayout): Sized {
  const n = l.txCount;
  const inputs = l.firstInput[n]!;
  const outputs = l.firstOutput[n]!;
  return {
    txCount: n,
    anySegwit: l.anySegwit,
    ranges: Array.from(l.ranges.subarray(0, RANGE_FIELDS * n)),
    firstInput: Array.from(l.firstInput.subarray(0, n + 1)),
    firstOutput: Array.from(l.firstOutput.subarray(0, n + 1)),
    inputAt: Array.from(l.inputAt.subarray(0, inputs)),
    witnessAt: Array.from(l.witnessAt.subarray(0, inputs)),
    witnessItems: Array.from(l.witnessItems.subarray(0, inputs)),
    witnessBytes: Array.from(l.witnessBytes.subarray(0, inputs)),
    value: Array.from(l.value.subarray(0, outputs)),
    scriptAt: Array.from(l.scriptAt.subarray(0, outputs)),
    scriptLen: Array.from(l.scriptLen.subarray(0, outputs)),
  };
}

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : 'none');

export function selfTestProblem(): string | undefined {
  const bytes = selfTestBlock();
  const native = layoutNumbers(readBlockLayout(bytes));
  const ts = layoutNumbers(readBlockLayout(bytes, { typescript: true }));
  for (const k of Object.keys(ts))
    if (JSON.stringify(native[k]) !== JSON.stringify(ts[k])) return `layout: ${k} differs`;
  const layout = readBlockLayout(bytes, { typescript: true });
  const a = hashBlock(layout, { wtxids: true });
  const b = hashBlock(layout, { wtxids: true, typescript: true });
  for (let i = 0; i < layout.txCount; i++) {
    if (hex(a.txids.subarray(32 * i, 32 * i + 32)) !== hex(b.txids.subarray(32 * i, 32 * i + 32)))
      return `txid of transaction ${i} differs`;
    if (hex(a.wtxids?.subarray(32 * i, 32 * i + 32)) !== hex(b.wtxids?.subarray(32 * i, 32 * i + 32)))
      return `wtxid of transaction ${i} differs`;
  }
  if (hex(a.merkleRoot) !== hex(b.merkleRoot)) return 'merkle root differs';
  if (hex(a.witnessRoot) !== hex(b.witnessRoot)) return 'witness root differs';
  if (a.mutated !== b.mutated) return 'mutation flag differs';
  return undefined;
}
