// Loads the native block hasher (native/blockhash.c, and the layout reader native/layout.c in the
// same addon, built at install by native/build.mjs) when it is there and allowed, and says which
// path hashing takes (layout.ts uses the addon's reader whenever it is loaded). The TypeScript paths
// in blockHash.ts and layout.ts are the fallback: a machine without a C compiler, or Node headers, installs and runs the same, just
// slower. UTXORACLE_NATIVE_HASH=0 in the process environment forces the fallback (read once, at
// first use; worker threads see the same environment).
//
// An addon is trusted only when it is the one these sources build (`git pull && npm run build`
// without `npm ci` used to leave an older addon that a newer caller trusted): its ABI version must be
// NATIVE_ABI, the sha256 of the sources it was built from must be the sources' beside it, and at first
// use it must lay out and hash a made-up block of 41 transactions (selfTestBlock.ts) exactly as the
// TypeScript path does. Any mismatch: the TypeScript path, and hashPath() says why (`refused`), which
// analyze logs as a warning and health-check --json reports. UTXORACLE_NATIVE_ADDON names another
// addon file (diagnosis, tests).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selfTestProblem } from './selfTest.js';

/** The addon (see native/blockhash.c for the contract). */
export interface NativeHasher {
  /**
   * Hashes every transaction of the block in `bytes` whose ranges (4 per tx, see layout.ts) are in
   * `ranges`; writes txids into `txids`, wtxids into `wtxids` (may be null), the txid root at
   * roots[0..32) and the witness root at roots[32..64). Returns 1 | (mutated << 1) | (segwit << 2).
   */
  hashBlock(
    bytes: Uint8Array,
    ranges: Int32Array,
    txCount: number,
    txids: Uint8Array,
    wtxids: Uint8Array | null,
    roots: Uint8Array,
  ): number;
  /** "sha-ni" when the CPU's SHA extensions are used, else "portable". */
  implementation(): string;
  /** The contract version it implements; absent from an addon built before versions. */
  abiVersion?(): number;
  /** sha256 of the sources it was built from (sourceDigest), or "unknown". */
  sourceHash?(): string;
  /**
   * Lays out `txCount` transactions from `pos` into the arrays (native/layout.c has the contract);
   * false on any defect, which the TypeScript reader then names. Absent from an addon built before it.
   */
  layoutTxs?(
    bytes: Uint8Array,
    pos: number,
    txCount: number,
    ranges: Int32Array,
    firstInput: Int32Array,
    firstOutput: Int32Array,
    inputAt: Int32Array,
    witnessAt: Int32Array,
    witnessItems: Int32Array,
    witnessBytes: Int32Array,
    value: Float64Array,
    scriptAt: Int32Array,
    scriptLen: Int32Array,
    result: Int32Array,
  ): boolean;
}

export interface HashPath {
  path: 'native' | 'typescript';
  /** "sha-ni" or "portable" for the native path; why not, for the fallback. */
  detail: string;
  /** An addon was there but not trusted (another build, or its self-test failed): worth a warning. */
  refused?: boolean;
}

/** The contract version this code calls (native/blockhash.c UTXORACLE_NATIVE_ABI). */
export const NATIVE_ABI = 2;
/** The sources an addon is built from, in the order their digest covers them (native/build.mjs too). */
export const NATIVE_SOURCES = ['blockhash.c', 'layout.c', 'layout.h'];

export const ADDON_FILE = 'blockhash.node';
/** Flags in hashBlock's answer. */
export const MUTATED = 2;
export const SEGWIT = 4;

/** The package root (from src/chain or dist/src/chain): where native/ is. */
function packageRoot(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const root = path.resolve(here, up);
    if (fs.existsSync(path.join(root, 'native', 'blockhash.c')) || fs.existsSync(path.join(root, 'native', 'build')))
      return root;
  }
  return undefined;
}

/** sha256 over each source's name and bytes, as native/build.mjs computes it at build time. */
export function sourceDigest(dir: string): string | undefined {
  const h = createHash('sha256');
  for (const f of NATIVE_SOURCES) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(dir, f));
    } catch {
      return undefined;
    }
    h.update(f).update('\0').update(bytes).update('\0');
  }
  return h.digest('hex');
}

let loaded: { addon: NativeHasher | undefined; path: HashPath } | undefined;

const fallback = (detail: string, refused = false) =>
  (loaded = { addon: undefined, path: { path: 'typescript', detail, ...(refused ? { refused } : {}) } });

function load(): { addon: NativeHasher | undefined; path: HashPath } {
  if (loaded) return loaded;
  const off = process.env.UTXORACLE_NATIVE_HASH;
  if (off !== undefined && ['0', 'false', 'off', 'no'].includes(off.trim().toLowerCase()))
    return fallback('UTXORACLE_NATIVE_HASH=0');
  const root = packageRoot();
  const file = process.env.UTXORACLE_NATIVE_ADDON || (root && path.join(root, 'native', 'build', ADDON_FILE));
  if (!file || !fs.existsSync(file)) return fallback('native hasher not built (see npm ci output)');
  let addon: NativeHasher;
  try {
    addon = createRequire(import.meta.url)(file) as NativeHasher;
  } catch (err) {
    return fallback(`native hasher failed to load: ${(err as Error).message.split('\n')[0]}`, true);
  }
  const rebuild = 'run npm run build:native';
  const abi = typeof addon.abiVersion === 'function' ? addon.abiVersion() : undefined;
  if (abi !== NATIVE_ABI)
    return fallback(
      `native hasher refused: built for ABI ${abi ?? '(none)'}, this code calls ABI ${NATIVE_ABI}; ${rebuild}`,
      true,
    );
  const want = root && sourceDigest(path.join(root, 'native'));
  const got = typeof addon.sourceHash === 'function' ? addon.sourceHash() : 'unknown';
  if (want && got !== want)
    return fallback(
      `native hasher refused: built from other sources (${got.slice(0, 12)}, these are ${want.slice(0, 12)}); ${rebuild}`,
      true,
    );
  // Trusted for its self-test only: the comparison runs the native path through the module's own entry points.
  loaded = { addon, path: { path: 'native', detail: addon.implementation() } };
  let problem: string | undefined;
  try {
    problem = selfTestProblem();
  } catch (err) {
    problem = `threw ${(err as Error).message.split('\n')[0]}`;
  }
  if (problem) return fallback(`native hasher refused: its self-test failed (${problem}); ${rebuild}`, true);
  return loaded;
}

/** Which path block hashing takes in this process. */
export function hashPath(): HashPath {
  return load().path;
}

/** The native hasher, or undefined when the TypeScript path is in use. */
export function nativeHasher(): NativeHasher | undefined {
  return load().addon;
}
