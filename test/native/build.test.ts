// The install never fails for lack of a compiler: native/build.mjs (npm's "install" script) says in
// one line that it falls back, builds nothing, exits 0; and analyze then runs on the TypeScript
// hasher, with --verbose naming the path, and gives the same price as the native path.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPricedNode, type PricedNode } from './pricedNode.js';
import { REPO_ROOT } from '../helpers/paths.js';

const BUILD = path.join(REPO_ROOT, 'native', 'build.mjs');
/** A C compiler and Node's headers, as build.mjs looks for them: without them there is nothing to build. */
const canCompile =
  spawnSync(process.env.CC || 'cc', ['--version'], { encoding: 'utf8' }).status === 0 &&
  [path.resolve(process.execPath, '..', '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node'].some(
    (d) => fs.existsSync(path.join(d, 'node_api.h')),
  );
const ADDON = path.join(REPO_ROOT, 'native', 'build', 'blockhash.node');
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'native-build-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the install step with exactly `env` (plus HOME), into `out`. */
function build(out: string, env: Record<string, string>, script = BUILD) {
  return spawnSync(process.execPath, [script, '--out', out], {
    env: { HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('native/build.mjs', () => {
  it.each([
    [
      'CC points nowhere',
      { PATH: process.env.PATH ?? '', CC: '/nonexistent/cc' },
      /no C compiler \(\/nonexistent\/cc not found\)/,
    ],
    ['no cc on PATH', { PATH: '/nonexistent' }, /no C compiler \(cc not found\)/],
    ['a compiler that fails', { PATH: process.env.PATH ?? '', CC: 'false' }, /false failed/],
    ['forced off', { PATH: process.env.PATH ?? '', UTXORACLE_NATIVE_HASH: '0' }, /UTXORACLE_NATIVE_HASH=0/],
  ])('%s: exit 0, one line, nothing built', (_name, env, why) => {
    const out = fs.mkdtempSync(path.join(tmp, 'out-'));
    const r = build(out, env);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^native hasher: not built \(.*\); the TypeScript hasher is used$/);
    expect(lines[0]).toMatch(why);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it.skipIf(!canCompile)('builds and checks the addon with the local compiler', () => {
    const out = fs.mkdtempSync(path.join(tmp, 'out-'));
    const r = build(out, { PATH: process.env.PATH ?? '' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^native hasher: built \((sha-ni|portable)\) at /);
    expect(fs.readdirSync(out)).toEqual(['blockhash.node']);
  });
  if (!canCompile)
    it.skip('building the addon: skipped, no C compiler or Node headers on this machine', () => undefined);
});

describe('analyze without the addon', () => {
  let priced: PricedNode;
  let pkg: string;
  beforeAll(async () => {
    priced = await startPricedNode(31, tmp);
    // A copy of the installed package (a copy, not links: the addon is found next to the real files).
    pkg = path.join(tmp, 'pkg');
    for (const entry of ['bin', 'dist', 'package.json'])
      fs.cpSync(path.join(REPO_ROOT, entry), path.join(pkg, entry), { recursive: true });
    fs.mkdirSync(path.join(pkg, 'native'));
    for (const f of ['blockhash.c', 'layout.c', 'layout.h', 'build.mjs'])
      fs.copyFileSync(path.join(REPO_ROOT, 'native', f), path.join(pkg, 'native', f));
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
  }, 60_000);
  afterAll(() => priced.close());

  const analyze = (root: string) => priced.run(root, 'analyze', ['--json', '--dry-run', '--verbose']);

  let tsPrice: number | undefined;
  it('the install step falls back, and the job prices on the TypeScript hasher', async () => {
    const step = build(
      path.join(pkg, 'native', 'build'),
      { PATH: '/nonexistent' },
      path.join(pkg, 'native', 'build.mjs'),
    );
    expect(step.status).toBe(0);
    expect(step.stdout).toMatch(/not built \(no C compiler/);
    const fallback = await analyze(pkg);
    expect(fallback.exitCode).toBe(0);
    expect(fallback.stderr).toContain('block hashing: typescript (native hasher not built');
    tsPrice = JSON.parse(fallback.stdout).utxoracle_price as number;
    expect(Number.isFinite(tsPrice)).toBe(true);
  }, 180_000);

  it.skipIf(!fs.existsSync(ADDON))(
    'the native hasher gives the same price (skipped: no addon built here)',
    async () => {
      expect(tsPrice).toBeDefined();
      const here = await analyze(REPO_ROOT);
      expect(here.exitCode).toBe(0);
      expect(here.stderr).toMatch(/block hashing: native \((sha-ni|portable)\)/);
      expect(JSON.parse(here.stdout).utxoracle_price).toBe(tsPrice);
    },
    180_000,
  );
});
