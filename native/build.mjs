// Builds the native block hasher (blockhash.c, with the layout reader layout.c) at install time
// with the machine's C compiler and Node's own headers: no node-gyp, no download, no network. It
// NEVER fails the install: without a compiler or headers, or when the result does not load and hash
// correctly, it says so in one line and the TypeScript hasher and reader are used
// (src/chain/nativeHash.ts chooses at run time).
//
//   node native/build.mjs [--out DIR]     (npm runs it as the "install" script)
//   CC=clang        the compiler (default cc)
//   UTXORACLE_NATIVE_HASH=0   skip the build (and, at run time, never use the addon)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(here, 'build');
const target = path.join(outDir, 'blockhash.node');
const say = (line) => console.log(`native hasher: ${line}`);

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

/** Loads the built file in a fresh node and checks one known digest: a broken build is not used. */
function works(file) {
  const probe = `const a = require(${JSON.stringify(file)}); const o = new Uint8Array(32); a.sha256d(new TextEncoder().encode('abc'), o);
    if (Buffer.from(o).toString('hex') !== '4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358') process.exit(3);
    process.stdout.write(a.implementation());`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? r.stdout : undefined;
}

function build() {
  const off = process.env.UTXORACLE_NATIVE_HASH;
  if (off !== undefined && ['0', 'false', 'off', 'no'].includes(off.trim().toLowerCase()))
    return 'not built (UTXORACLE_NATIVE_HASH=0); the TypeScript hasher is used';
  if (process.platform === 'win32') return 'not built on Windows; the TypeScript hasher is used';
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
  // A stale addon from an earlier build must not outlive a failed one.
  fs.rmSync(target, { force: true });
  say(build());
} catch (err) {
  say(`not built (${err.message.split('\n')[0]}); the TypeScript hasher is used`);
}
