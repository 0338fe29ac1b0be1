// An addon is trusted only when it is the one these sources build: one built from older sources, for
// another ABI, or whose self-test fails (here: one txid wrong, which used to price a day silently
// wrong) is refused, the TypeScript path is used, analyze warns, health-check --json says so, and
// the price is the right one. `npm run build` rebuilds an addon whose sources changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_ABI, NATIVE_SOURCES, sourceDigest } from '../../src/chain/nativeHash.js';
import { startPricedNode, type PricedNode } from './pricedNode.js';
import { REPO_ROOT } from '../helpers/paths.js';

const HEADERS = [
  path.resolve(process.execPath, '..', '..', 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
].find((d) => fs.existsSync(path.join(d, 'node_api.h')));
const CC = process.env.CC || 'cc';
const canCompile = HEADERS !== undefined && spawnSync(CC, ['--version']).status === 0;
const NATIVE = path.join(REPO_ROOT, 'native');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'native-trust-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * Compiles the repository's sources with `edit` applied to blockhash.c, claiming to be built from
 * `claimedDigest` (default: the edited sources' own digest, as build.mjs would).
 */
function compile(name: string, edit: (c: string) => string, claimedDigest?: string): string {
  const src = path.join(tmp, `${name}-src`);
  fs.mkdirSync(src);
  for (const f of NATIVE_SOURCES) fs.copyFileSync(path.join(NATIVE, f), path.join(src, f));
  const c = path.join(src, 'blockhash.c');
  const before = fs.readFileSync(c, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  fs.writeFileSync(c, after);
  const out = path.join(tmp, `${name}.node`);
  const digest = claimedDigest ?? sourceDigest(src)!;
  const r = spawnSync(
    CC,
    [
      '-O1',
      '-fPIC',
      '-shared',
      '-std=c11',
      `-DUTXORACLE_SOURCE_HASH="${digest}"`,
      '-I',
      HEADERS!,
      '-o',
      out,
      c,
      path.join(src, 'layout.c'),
    ],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  return out;
}

/** hashPath() in a fresh process loading `addon` (through UTXORACLE_NATIVE_ADDON). */
function pathWith(addon: string): { path: string; detail: string; refused?: boolean } {
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'src', 'chain', 'nativeHash.js'))});
       process.stdout.write(JSON.stringify(m.hashPath()));`,
    ],
    { encoding: 'utf8', env: { ...process.env, UTXORACLE_NATIVE_ADDON: addon } },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const REPO_DIGEST = sourceDigest(NATIVE)!;
/** One txid wrong: the fourth transaction's first byte flipped after it is hashed. */
const oneTxidWrong = (c: string) =>
  c.replace(/(\n\s*sha_final_double\(&c, out\);\n)/, '$1    if (i == 3) out[0] ^= 1; /* test: one txid wrong */\n');

describe.skipIf(!canCompile)('which addon is trusted', () => {
  it('the one these sources build: native', () => {
    const good = compile(
      'good',
      (c) => c.replace('#define UTXORACLE_NATIVE_ABI', '/* same */\n#define UTXORACLE_NATIVE_ABI'),
      REPO_DIGEST,
    );
    expect(pathWith(good)).toEqual({ path: 'native', detail: expect.stringMatching(/^(sha-ni|portable)$/) });
  });

  it('one built from other sources: refused', () => {
    const stale = compile('stale', (c) => c.replace('Every hash a block', 'Every hash of a block'));
    const p = pathWith(stale);
    expect(p).toMatchObject({ path: 'typescript', refused: true });
    expect(p.detail).toMatch(
      /^native hasher refused: built from other sources \([0-9a-f]{12}, these are [0-9a-f]{12}\); run npm run build:native$/,
    );
  });

  it('one for another ABI: refused', () => {
    const old = compile(
      'abi',
      (c) => c.replace(`#define UTXORACLE_NATIVE_ABI ${NATIVE_ABI}`, '#define UTXORACLE_NATIVE_ABI 1'),
      REPO_DIGEST,
    );
    expect(pathWith(old)).toEqual({
      path: 'typescript',
      refused: true,
      detail: `native hasher refused: built for ABI 1, this code calls ABI ${NATIVE_ABI}; run npm run build:native`,
    });
  });

  it('one that claims these sources but hashes one txid wrong: refused by its self-test', () => {
    const liar = compile('liar', oneTxidWrong, REPO_DIGEST);
    expect(pathWith(liar)).toEqual({
      path: 'typescript',
      refused: true,
      detail: 'native hasher refused: its self-test failed (txid of transaction 3 differs); run npm run build:native',
    });
  });

  describe('the jobs with that addon', () => {
    let priced: PricedNode;
    let liar: string;
    beforeAll(async () => {
      priced = await startPricedNode(71, tmp);
      liar = compile('liar-jobs', oneTxidWrong, REPO_DIGEST);
    });
    afterAll(() => priced.close());
    const run = (job: string, args: string[], extra: Record<string, string>) => priced.run(REPO_ROOT, job, args, extra);

    it('analyze warns and prices as the TypeScript path does; health-check --json reports the refusal', async () => {
      const ts = await run('analyze', ['--json', '--dry-run'], { UTXORACLE_NATIVE_HASH: '0' });
      const refused = await run('analyze', ['--json', '--dry-run'], { UTXORACLE_NATIVE_ADDON: liar });
      expect(refused.exitCode, refused.stderr).toBe(0);
      const warn = refused.stderr
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: string; msg: string })
        .find((l) => l.msg.startsWith('block hashing:'));
      expect(warn).toMatchObject({
        level: 'warn',
        msg: 'block hashing: typescript (native hasher refused: its self-test failed (txid of transaction 3 differs); run npm run build:native)',
      });
      expect(JSON.parse(refused.stdout).utxoracle_price).toBe(JSON.parse(ts.stdout).utxoracle_price);

      const health = await run('health-check', ['--json'], { UTXORACLE_NATIVE_ADDON: liar, ELECTRS_API_URL: 'none' });
      expect(JSON.parse(health.stdout).hashing).toMatchObject({ path: 'typescript', refused: true });
    }, 180_000);
  });
});

describe.skipIf(!canCompile)('npm run build', () => {
  it('rebuilds the addon when its sources changed, and leaves it alone when they did not', () => {
    // A copy of native/ whose addon was built from other sources.
    const dir = path.join(tmp, 'rebuild');
    fs.mkdirSync(dir);
    for (const f of [...NATIVE_SOURCES, 'build.mjs']) fs.copyFileSync(path.join(NATIVE, f), path.join(dir, f));
    const step = (args: string[]) =>
      spawnSync(process.execPath, [path.join(dir, 'build.mjs'), ...args], { encoding: 'utf8', env: process.env });
    expect(step([]).stdout).toMatch(/^native hasher: built/);
    const addon = path.join(dir, 'build', 'blockhash.node');
    const first = fs.statSync(addon).mtimeMs;
    expect(step(['--if-stale']).stdout).toBe(''); // same sources: nothing to do
    expect(fs.statSync(addon).mtimeMs).toBe(first);
    fs.appendFileSync(path.join(dir, 'layout.c'), '\n/* changed */\n');
    expect(step(['--if-stale']).stdout).toMatch(/^native hasher: built/);
    expect(
      JSON.parse(
        spawnSync(
          process.execPath,
          ['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(addon)}).sourceHash()))`],
          {
            encoding: 'utf8',
          },
        ).stdout,
      ),
    ).toBe(sourceDigest(dir));
  });

  it('package.json runs it from npm run build', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.build).toMatch(/node native\/build\.mjs --if-stale/);
  });
});

if (!canCompile)
  it.skip('addons built for these tests: skipped, no C compiler or Node headers on this machine', () => undefined);
