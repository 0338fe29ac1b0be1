// The library surface used the way a user would: imported by the package's name (package.json
// "exports" -> the built dist/), over blocks from a directory or any source, giving the price the
// reference UTXOracle.py printed for the same synthetic day (test/fixtures/reference-days.json)
// and the one the analyze job saves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from 'utxoracle-ops';
import { dayStart, generateChain, linearPrice, type SyntheticChain } from '../fakes/chain/index.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';
import { REPO_ROOT, fixturePath } from '../helpers/paths.js';
import { realBlocks } from '../chain/realBlocks.js';

interface RefDay {
  seed: number;
  date: string;
  mode: 'date' | 'recent';
  options: { price: { base: number; driftPerDay: number }; chain?: Record<string, unknown> };
  expected: { price: string; rough: number; firstHeight: number; lastHeight: number };
}
const days = (JSON.parse(fs.readFileSync(fixturePath('reference-days.json'), 'utf8')) as { days: RefDay[] }).days;
const dateDay = days.find((d) => d.seed === 101)!;
const recentDay = days.find((d) => d.seed === 104)!;

const chainOptions = (d: RefDay) => ({
  seed: d.seed,
  date: d.date,
  scale: 'small' as const,
  price: linearPrice(d.options.price, dayStart(d.date)),
  ...d.options.chain,
});

function sourceOf(chain: SyntheticChain): lib.RawBlockSource {
  return {
    tipHeight: () => chain.tip.height,
    blockTime: (h) => chain.byHeight(h)!.time,
    rawBlock: async (h) => chain.byHeight(h)!.bytes, // sources may answer asynchronously
  };
}

describe('the library, imported as utxoracle-ops', () => {
  it('resolves to the built entry through package.json exports, with a small surface', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['.'].default).toBe('./dist/src/index.js');
    expect(Object.keys(lib).sort()).toEqual([
      'ConfigError',
      'DataError',
      'EARLIEST_DATE',
      'UtxoracleError',
      'dateWindow',
      'hashPath',
      'heightsOf',
      'parseBlock',
      'parseBlockHeader',
      'priceDate',
      'priceRecent',
      'priceSummaries',
      'recentWindow',
      'summarizeBlock',
    ]);
  });

  it('parses and checks real blocks; summarises raw bytes and parsed blocks alike', () => {
    for (const b of realBlocks()) {
      const block = lib.parseBlock(b.bytes);
      expect(block.header.hash).toBe(b.hash);
      const fromRaw = lib.summarizeBlock(b.bytes, b.height);
      const fromParsed = lib.summarizeBlock(block, b.height);
      expect(fromRaw).toEqual(fromParsed);
      expect(fromRaw.txids.length).toBe(32 * block.txs.length);
    }
    const damaged = Uint8Array.from(realBlocks()[0]!.bytes);
    damaged[damaged.length - 5]! ^= 1;
    expect(() => lib.parseBlock(damaged)).toThrow(lib.DataError);
    expect(() => lib.summarizeBlock(damaged, 1)).toThrow(lib.DataError);
  });

  it('prices a day in date mode as the reference did', async () => {
    const r = await lib.priceDate(dateDay.date, sourceOf(generateChain(chainOptions(dateDay))));
    expect(r.price).toBe(Number(dateDay.expected.price));
    expect(r.roughPrice).toBe(dateDay.expected.rough);
    expect(r.window).toEqual({ firstHeight: dateDay.expected.firstHeight, lastHeight: dateDay.expected.lastHeight });
  });

  it('prices the recent 144 blocks as the reference did, and summaries priced directly give the same', async () => {
    const chain = generateChain(chainOptions(recentDay));
    const r = await lib.priceRecent(sourceOf(chain));
    expect(r.price).toBe(Number(recentDay.expected.price));
    const window = lib.recentWindow(chain.tip.height);
    const summaries = lib.heightsOf(window).map((h) => lib.summarizeBlock(chain.byHeight(h)!.bytes, h));
    expect(lib.priceSummaries(summaries).price).toBe(r.price);
  });

  it('names a bad date, an unfinished day and a source that disagrees with its blocks', async () => {
    const chain = generateChain(chainOptions(dateDay));
    await expect(lib.priceDate('2024-02-30', sourceOf(chain))).rejects.toThrow(lib.ConfigError);
    await expect(lib.priceDate('2030-01-01', sourceOf(chain))).rejects.toThrow(/is after this node's tip/);
    const lying = { ...sourceOf(chain), blockTime: (h: number) => chain.byHeight(h)!.time + (h === 880_100 ? 1 : 0) };
    await expect(lib.priceDate(dateDay.date, lying)).rejects.toThrow(/header time/);
  });
});

describe('the same double as the analyze job, and the example script', () => {
  let e: AnalyzeEnv;
  let dir: string;
  beforeAll(async () => {
    e = await startAnalyzeEnv(chainOptions(dateDay));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'price-day-'));
    for (const b of e.chain.blocks) fs.writeFileSync(path.join(dir, `mainnet_${b.height}_${b.hash}.raw`), b.bytes);
  });
  afterAll(async () => {
    await e.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('analyze --date saves the price the library computes', async () => {
    const job = await e.run({ mode: 'date', date: dateDay.date });
    expect(job.code).toBe(0);
    const r = await lib.priceDate(dateDay.date, sourceOf(e.chain));
    expect(job.doc.utxoracle_price).toBe(r.price);
    expect(r.price).toBe(Number(dateDay.expected.price));
  });

  it('examples/priceDay prices the day from a directory of raw blocks', async () => {
    const script = path.join(REPO_ROOT, 'dist', 'examples', 'priceDay.js');
    const out = await execa(process.execPath, [script, dir, dateDay.date], { reject: false });
    expect(out.stderr).toBe('');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(`${dateDay.date}: price ${dateDay.expected.price} (rough ${dateDay.expected.rough})`);
    const missing = await execa(process.execPath, [script, fixturePath('blocks'), dateDay.date], { reject: false });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^priceDay: block \d+ is not in /);
  });
});
