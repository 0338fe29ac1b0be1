// Loads the native block hasher (native/blockhash.c, and the layout reader native/layout.c in the
// same addon, built at install by native/build.mjs) when it is there and allowed, and says which
// path hashing takes (layout.ts uses the addon's reader whenever it is loaded). The TypeScript paths
// in blockHash.ts and layout.ts are the fallback: a machine without a C compiler, or Node headers, installs and runs the same, just
// slower. UTXORACLE_NATIVE_HASH=0 in the process environment forces the fallback (read once, at
// first use; worker threads see the same environment).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
}

export const ADDON_FILE = 'blockhash.node';
/** Flags in hashBlock's answer. */
export const MUTATED = 2;
export const SEGWIT = 4;

/** Where the built addon is: native/build/ at the package root (from src/chain or dist/src/chain). */
function addonPath(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const file = path.resolve(here, up, 'native', 'build', ADDON_FILE);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

let loaded: { addon: NativeHasher | undefined; path: HashPath } | undefined;

function load(): { addon: NativeHasher | undefined; path: HashPath } {
  if (loaded) return loaded;
  const off = process.env.UTXORACLE_NATIVE_HASH;
  if (off !== undefined && ['0', 'false', 'off', 'no'].includes(off.trim().toLowerCase())) {
    return (loaded = { addon: undefined, path: { path: 'typescript', detail: 'UTXORACLE_NATIVE_HASH=0' } });
  }
  const file = addonPath();
  if (!file)
    return (loaded = {
      addon: undefined,
      path: { path: 'typescript', detail: 'native hasher not built (see npm ci output)' },
    });
  try {
    const addon = createRequire(import.meta.url)(file) as NativeHasher;
    return (loaded = { addon, path: { path: 'native', detail: addon.implementation() } });
  } catch (err) {
    return (loaded = {
      addon: undefined,
      path: { path: 'typescript', detail: `native hasher failed to load: ${(err as Error).message.split('\n')[0]}` },
    });
  }
}

/** Which path block hashing takes in this process. */
export function hashPath(): HashPath {
  return load().path;
}

/** The native hasher, or undefined when the TypeScript path is in use. */
export function nativeHasher(): NativeHasher | undefined {
  return load().addon;
}
