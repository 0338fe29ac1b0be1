// Parse every real block N times and print median ms, MB/s and tx/s per block and in total,
// with and without the merkle/witness checks, scanBlock (what analyze runs: every check, no
// Transaction objects), and the block's hashing alone on each path (native addon, TypeScript).
// Plain lines for people, a final JSON line for tools. UTXORACLE_NATIVE_HASH=0 runs the parse and
// scan figures on the TypeScript hasher.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBlock } from '../../src/chain/block.js';
import { hashBlock } from '../../src/chain/blockHash.js';
import { readBlockLayout } from '../../src/chain/layout.js';
import { hashPath } from '../../src/chain/nativeHash.js';
import { scanBlock } from '../../src/summary/scanBlock.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const here = path.dirname(fileURLToPath(import.meta.url));
// dist/scripts/bench -> repo root is three levels up; the real blocks are the test fixtures.
const repoRoot = path.resolve(here, fs.existsSync(path.resolve(here, '../../package.json')) ? '../..' : '../../..');
const blocksDir = path.join(repoRoot, 'test', 'fixtures', 'blocks');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function timeScan(bytes: Uint8Array, height: number): number {
  scanBlock(bytes, height); // warm-up, and proves the block scans
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    scanBlock(bytes, height);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

/** Median ms of hashing the block's layout (txids, wtxids, both roots) on one path. */
function timeHash(bytes: Uint8Array, typescript: boolean): number {
  const layout = readBlockLayout(bytes);
  // The layout's arrays are scratch space: keep copies, so the timed calls see this block's.
  const l = { ...layout, ranges: layout.ranges.slice(0, 4 * layout.txCount) };
  hashBlock(l, { typescript });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    hashBlock(l, { typescript });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

function timeRuns(bytes: Uint8Array, opts: Parameters<typeof parseBlock>[1]): { ms: number; txs: number } {
  let txs = parseBlock(bytes, opts).txs.length; // warm-up, and proves the block parses
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    txs = parseBlock(bytes, opts).txs.length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(times), txs };
}

const files = fs
  .readdirSync(blocksDir)
  .filter((f) => f.endsWith('.raw'))
  .sort();
if (files.length === 0) {
  console.error(`no *.raw blocks in ${blocksDir}`);
  process.exit(1);
}

const rows: Array<Record<string, number | string | null>> = [];
const totals = { bytes: 0, txs: 0, ms: 0, msUnchecked: 0, msScan: 0, msHashNative: 0, msHashTs: 0 };
const path_ = hashPath();
const native = path_.path === 'native';
console.log(
  `parseBlock, median of ${RUNS} runs per block (node ${process.version}); hashing: ${path_.path} (${path_.detail})`,
);
for (const file of files) {
  const bytes = new Uint8Array(fs.readFileSync(path.join(blocksDir, file)));
  const checked = timeRuns(bytes, {});
  const unchecked = timeRuns(bytes, { verifyMerkle: false, verifyWitness: false });
  const height = file.split('_')[1] ?? file;
  const scan = timeScan(bytes, Number(height));
  const hashTs = timeHash(bytes, true);
  const hashNative = native ? timeHash(bytes, false) : NaN;
  const mbps = bytes.length / 1e6 / (checked.ms / 1e3);
  const txps = checked.txs / (checked.ms / 1e3);
  console.log(
    `block ${height}: ${bytes.length} B, ${checked.txs} txs: ${checked.ms.toFixed(2)} ms (${mbps.toFixed(1)} MB/s, ` +
      `${Math.round(txps)} tx/s); without merkle/witness checks ${unchecked.ms.toFixed(2)} ms; scanBlock ${scan.toFixed(2)} ms`,
  );
  console.log(
    `  hashing alone: TypeScript ${hashTs.toFixed(2)} ms` +
      (native ? `, native ${hashNative.toFixed(2)} ms (${(hashTs / hashNative).toFixed(1)}x)` : ' (native not in use)'),
  );
  rows.push({
    height,
    bytes: bytes.length,
    txs: checked.txs,
    medianMs: +checked.ms.toFixed(3),
    mbPerS: +mbps.toFixed(1),
    txPerS: Math.round(txps),
    uncheckedMedianMs: +unchecked.ms.toFixed(3),
    scanMedianMs: +scan.toFixed(3),
    hashTsMedianMs: +hashTs.toFixed(3),
    hashNativeMedianMs: native ? +hashNative.toFixed(3) : null,
  });
  totals.bytes += bytes.length;
  totals.txs += checked.txs;
  totals.ms += checked.ms;
  totals.msUnchecked += unchecked.ms;
  totals.msScan += scan;
  totals.msHashTs += hashTs;
  totals.msHashNative += hashNative;
}
const totalMbps = totals.bytes / 1e6 / (totals.ms / 1e3);
const totalTxps = totals.txs / (totals.ms / 1e3);
console.log(
  `total: ${totals.bytes} B, ${totals.txs} txs in ${totals.ms.toFixed(2)} ms (sum of medians): ${totalMbps.toFixed(1)} MB/s, ` +
    `${Math.round(totalTxps)} tx/s; without checks ${totals.msUnchecked.toFixed(2)} ms; scanBlock ${totals.msScan.toFixed(2)} ms ` +
    `(${(totals.bytes / 1e6 / (totals.msScan / 1e3)).toFixed(1)} MB/s); hashing alone: TypeScript ` +
    `${totals.msHashTs.toFixed(2)} ms` +
    (native
      ? `, native ${totals.msHashNative.toFixed(2)} ms (${(totals.msHashTs / totals.msHashNative).toFixed(1)}x)`
      : ''),
);
console.log(
  JSON.stringify({
    bench: 'parse',
    runs: RUNS,
    blocks: rows,
    total: {
      bytes: totals.bytes,
      txs: totals.txs,
      medianMsSum: +totals.ms.toFixed(3),
      mbPerS: +totalMbps.toFixed(1),
      txPerS: Math.round(totalTxps),
      uncheckedMedianMsSum: +totals.msUnchecked.toFixed(3),
      scanMedianMsSum: +totals.msScan.toFixed(3),
      hashTsMedianMsSum: +totals.msHashTs.toFixed(3),
      hashNativeMedianMsSum: native ? +totals.msHashNative.toFixed(3) : null,
    },
    hashing: path_,
  }),
);
