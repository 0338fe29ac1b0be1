// Builds the native block hasher (blockhash.c, with the layout reader layout.c) at install time
// with the machine's C compiler and Node's own headers: no node-gyp, no download, no network. It
// NEVER fails the install: without a compiler or headers, or when the result does not load and hash
// correctly, it says so in one line and the TypeScript hasher and reader are used
// (src/chain/nativeHash.ts chooses at run time).
//
//   node native/build.mjs [--out DIR]     (npm runs it as the "install" script)
//   node native/build.mjs --if-stale      (npm run build: only when the sources changed since the
//                                          addon there was built, or there is none)
//   CC=clang        the compiler (default cc)
//   UTXORACLE_NATIVE_HASH=0   skip the build (and, at run time, never use the addon)
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(here, 'build');
const target = path.join(outDir, 'blockhash.node');
const say = (line) => console.log(`native hasher: ${line}`);
const ifStale = process.argv.includes('--if-stale');

// The addon carries the sha256 of the sources it was built from, and its contract's version; the
// TypeScript loader (src/chain/nativeHash.ts: NATIVE_SOURCES, sourceDigest) refuses one that does not
// match the sources beside it. Same files, same order, same framing as there.
const SOURCES = ['blockhash.c', 'layout.c', 'layout.h'];
function sourceDigest() {
  const h = createHash('sha256');
  for (const f of SOURCES)
    h.update(f)
      .update('\0')
      .update(fs.readFileSync(path.join(here, f)))
      .update('\0');
  return h.digest('hex');
}
let digest;
try {
  digest = sourceDigest();
} catch {
  digest = undefined; // a source missing: build() says so
}

/** Where node_api.h is: npm's nodedir, beside the running node, Node's configured prefix, the system. */
function headerDir() {
  const candidates = [
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, 'include', 'node'),
    path.resolve(process.execPath, '..', '..', 'include', 'node'),
    process.config?.variables?.node_prefix && path.join(process.config.variables.node_prefix, 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter(Boolean);
  return candidates.find((d) => fs.existsSync(path.join(d, 'node_api.h')));
}

/**
 * Loads the built file in a fresh node and checks one known digest and the source digest it carries:
 * a broken build is not used. (The loader's self-test of a whole block runs at first use.)
 */
function works(file) {
  const probe = `const a = require(${JSON.stringify(file)}); const o = new Uint8Array(32); a.sha256d(new TextEncoder().encode('abc'), o);
    if (Buffer.from(o).toString('hex') !== '4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358') process.exit(3);
    if (typeof a.sourceHash !== 'function' || a.sourceHash() !== ${JSON.stringify(digest)}) process.exit(4);
    process.stdout.write(a.implementation());`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? r.stdout : undefined;
}

function build() {
  const off = process.env.UTXORACLE_NATIVE_HASH;
  if (off !== undefined && ['0', 'false', 'off', 'no'].includes(off.trim().toLowerCase()))
    return 'not built (UTXORACLE_NATIVE_HASH=0); the TypeScript hasher is used';
  if (process.platform === 'win32') return 'not built on Windows; the TypeScript hasher is used';
  if (!digest) return `not built (native sources missing: ${SOURCES.join(', ')}); the TypeScript hasher is used`;
  const include = headerDir();
  if (!include) return 'not built (no Node headers: node_api.h not found); the TypeScript hasher is used';
  const cc = process.env.CC || 'cc';
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = path.join(outDir, `blockhash.tmp-${process.pid}.node`); // require() loads only .node as an addon
  const args = [
    '-O3',
    '-fPIC',
    '-shared',
    '-std=c11',
    `-DUTXORACLE_SOURCE_HASH="${digest}"`,
    '-I',
    include,
    '-o',
    tmp,
    path.join(here, 'blockhash.c'),
    path.join(here, 'layout.c'),
  ];
  // Node-API symbols are resolved from the running node when the addon loads.
  if (process.platform === 'darwin') args.push('-undefined', 'dynamic_lookup');
  try {
    execFileSync(cc, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const why = err.code === 'ENOENT' ? `no C compiler (${cc} not found)` : `${cc} failed: ${firstLine(err)}`;
    return `not built (${why}); the TypeScript hasher is used`;
  }
  const impl = works(tmp);
  if (!impl) {
    fs.rmSync(tmp, { force: true });
    return 'not built (the compiled addon did not load or hash correctly); the TypeScript hasher is used';
  }
  fs.renameSync(tmp, target);
  return `built (${impl}) at ${path.relative(process.cwd(), target) || target}`;
}

function firstLine(err) {
  const text = `${err.stderr ?? ''}`.trim() || err.message;
  return text.split('\n')[0].slice(0, 200);
}

try {
  if (ifStale && fs.existsSync(target) && works(target)) {
    // npm run build: the addon there was built from these very sources.
  } else {
    // A stale addon from an earlier build must not outlive a failed one.
    fs.rmSync(target, { force: true });
    say(build());
  }
} catch (err) {
  say(`not built (${err.message.split('\n')[0]}); the TypeScript hasher is used`);
}
